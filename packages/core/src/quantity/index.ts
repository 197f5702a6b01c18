export { Quantity, quantityFromBytes, quantityFromMillis, MAX_EXPANSION_DIGITS } from "./quantity.js";
export type { QuantityFormat } from "./quantity.js";
export { parseQuantity, tryParseQuantity } from "./parse.js";
export { QuantityError } from "./errors.js";
export type { QuantityErrorKind } from "./errors.js";
export { formatBytes, formatMillicores, percent, groupThousands } from "./format.js";
