import amqp from "amqplib";
import { runCheck } from "./run-check.js";
import { timeoutOf } from "./result.js";
import type { CommonValidationOptions, ValidationResult, ValidationTarget } from "./result.js";

export interface RabbitmqValidationOptions extends CommonValidationOptions {
  /** Default "guest" (which RabbitMQ only admits from loopback). */
  username?: string;
  password?: string;
  /** Default "/". */
  vhost?: string;
  /** amqps instead of amqp. Default false. */
  tls?: boolean;
}

/**
 * Proves the broker completes the AMQP 0-9-1 handshake for this user and vhost (Connection.Start/
 * Tune/Open) and opens a channel, then closes both. That is more than `rabbitmq-diagnostics ping`
 * (which proves the Erlang node runs, not that AMQP clients get in) and than a TCP connect.
 */
export async function validateRabbitmq(
  target: ValidationTarget,
  options: RabbitmqValidationOptions = {},
): Promise<ValidationResult> {
  const timeoutMs = timeoutOf(options);
  const username = options.username ?? "guest";
  let connection: amqp.ChannelModel | undefined;
  let abandoned = false;
  return runCheck({
    protocol: "rabbitmq",
    target,
    timeoutMs,
    secrets: [options.password],
    run: async () => {
      // The object form avoids URL-encoding the password (and leaking it into a URL).
      const opened = await amqp.connect(
        {
          protocol: options.tls ? "amqps" : "amqp",
          hostname: target.host,
          port: target.port,
          username,
          password: options.password ?? "guest",
          vhost: options.vhost ?? "/",
          heartbeat: 0,
        },
        { timeout: timeoutMs },
      );
      opened.on("error", () => {});
      if (abandoned) {
        // The deadline passed while the handshake finished: close what we no longer use.
        await opened.close().catch(() => {});
        return;
      }
      connection = opened;
      const channel = await opened.createChannel();
      channel.on("error", () => {});
      await channel.close();
    },
    cleanup: async () => {
      abandoned = true;
      if (connection) await connection.close();
    },
    explain: (error) => explainAmqpError(error, username, options.vhost ?? "/", timeoutMs),
  });
}

function explainAmqpError(error: unknown, username: string, vhost: string, timeoutMs: number): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  // amqplib: `Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused ..."`.
  if (/ACCESS.REFUSED/.test(message) && /Login was refused|authentication/i.test(message)) {
    return `login refused for user "${username}" (wrong user or password)`;
  }
  // The server refuses Connection.Open (the vhost step of the AMQP 0-9-1 handshake) with a
  // Connection.Close (530 NOT_ALLOWED: vhost missing or no permission). amqplib reports only
  // `Expected ConnectionOpenOk; got <ConnectionClose channel:0>`, without the server's text.
  if (/NOT.ALLOWED/.test(message) || /Expected ConnectionOpenOk; got <ConnectionClose/.test(message)) {
    return `vhost "${vhost}" not found or not allowed for user "${username}"`;
  }
  if (/ETIMEDOUT|timed? ?out/i.test(message)) return `timed out after ${timeoutMs} ms`;
  if (/Socket closed abruptly|Unexpected close/i.test(message)) return "connection closed by server during the AMQP handshake";
  return undefined;
}
