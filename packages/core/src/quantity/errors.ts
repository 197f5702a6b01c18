/**
 * Why a quantity was refused. The first three mirror the errors of kubernetes/apimachinery
 * `pkg/api/resource/quantity.go` (ErrFormatWrong, ErrSuffix, ErrNumeric); "range" is ours: an
 * exact result that would need an absurd number of digits (see MAX_EXPANSION_DIGITS).
 */
export type QuantityErrorKind = "format" | "suffix" | "numeric" | "range";

/** Thrown by parseQuantity and by the few Quantity operations that can fail. */
export class QuantityError extends Error {
  /** The text (or value) that was refused, exactly as given. */
  readonly input: string;
  readonly kind: QuantityErrorKind;
  /** The reason alone, without the `quantity: "<input>" ...` prefix. */
  readonly reason: string;

  constructor(input: string, kind: QuantityErrorKind, reason: string) {
    super(`quantity: ${JSON.stringify(input)} ${kind === "range" ? "cannot be computed" : "is not a valid quantity"}: ${reason}`);
    this.name = "QuantityError";
    this.input = input;
    this.kind = kind;
    this.reason = reason;
  }
}
