import net from "node:net";
import { runCheck } from "./run-check.js";
import { timeoutOf } from "./result.js";
import type { CommonValidationOptions, ValidationResult, ValidationTarget } from "./result.js";

export type TcpValidationOptions = CommonValidationOptions;

/**
 * Proves only that something accepts TCP connections on host:port (the kernel completes the
 * handshake for any listening socket, even a process that never answers). Use a protocol
 * validator when one exists.
 */
export async function validateTcp(
  target: ValidationTarget,
  options: TcpValidationOptions = {},
): Promise<ValidationResult> {
  const timeoutMs = timeoutOf(options);
  let socket: net.Socket | undefined;
  return runCheck({
    protocol: "tcp",
    target,
    timeoutMs,
    secrets: [],
    run: () =>
      new Promise<void>((resolve, reject) => {
        socket = net.connect({ host: target.host, port: target.port });
        socket.once("connect", () => resolve());
        socket.once("error", reject);
      }),
    cleanup: () => {
      socket?.destroy();
    },
  });
}
