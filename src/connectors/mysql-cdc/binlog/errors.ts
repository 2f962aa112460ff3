import { StrataError } from '../../../core/errors.js';

/**
 * The binlog client's errors, in the two classes CDC needs (docs: CONVENTIONS.md, Errors):
 * *definite* (the data is wrong or gone: `CONNECTOR_DATA`, not retryable) and *transient*
 * (connection, timeouts: `CONNECTOR_IO`, retryable). Messages name the server and the
 * binlog position; they never contain the password.
 */

/** Where an error happened: `host:port` and, when known, the binlog position. */
export interface ErrorPlace {
  readonly server: string;
  readonly position?: string | undefined;
}

function where(p: ErrorPlace): string {
  return p.position === undefined ? `MySQL ${p.server}` : `MySQL ${p.server} at binlog position ${p.position}`;
}

/** The binlog data needed is gone (purged) or cannot be read: re-snapshot. */
export function binlogGone(p: ErrorPlace, serverMessage: string, errno: number): StrataError {
  const purged = /purged|could not find first log file|could not find gtid state|not found in the binlog index|required binary logs/i.test(serverMessage);
  const what = purged
    ? `the binlog the reader needs is no longer on the server (purged): ${where(p)}`
    : `the server cannot send the binlog from the requested position: ${where(p)}`;
  return new StrataError('CONNECTOR_DATA', `${what}; server error ${errno}: ${serverMessage}.`, {
    retryable: false,
    hint:
      "Changes after that position cannot be read any more: restart the source from a new snapshot ('scan.startup.mode' = 'initial'), " +
      'and keep binlogs longer on the server (binlog_expire_logs_seconds / expire_logs_days) than the pipeline can be stopped.',
    details: { errno, position: p.position, server: p.server, purged },
  });
}

/** The connection broke or timed out: reconnecting from the last committed position is safe. */
export function connectionLost(p: ErrorPlace, reason: string, cause?: unknown): StrataError {
  return new StrataError('CONNECTOR_IO', `connection to ${where(p)} lost: ${reason}.`, {
    retryable: true,
    hint: 'The reader can reconnect and resume from its last committed position.',
    cause,
    details: { position: p.position, server: p.server },
  });
}

/** An error packet from the server outside the purge case. */
export function serverError(p: ErrorPlace, doing: string, errno: number, sqlState: string, message: string): StrataError {
  if (errno === 1236) return binlogGone(p, message, errno);
  // 1045 access denied, 1227 missing privilege, 1044 db access, 1698/1699 plugin auth.
  const denied = errno === 1045 || errno === 1227 || errno === 1044 || errno === 1698 || errno === 1251;
  if (denied) {
    return new StrataError('CONNECTOR_IO', `${where(p)} refused ${doing}: error ${errno} (${sqlState}): ${message}.`, {
      domain: 'user',
      retryable: false,
      hint: "Check 'username' and 'password', and grant the user SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE and REPLICATION CLIENT.",
      details: { errno, sqlState },
    });
  }
  // Shutdown in progress, too many connections, lock wait: the server may come back.
  const transient = errno === 1053 || errno === 1040 || errno === 1205 || errno === 1213 || errno === 2013 || errno === 1152;
  return new StrataError('CONNECTOR_IO', `${where(p)} failed ${doing}: error ${errno} (${sqlState}): ${message}.`, {
    retryable: transient,
    details: { errno, sqlState },
  });
}

/** Bytes that do not follow the binlog format: a definite error at that event. */
export function malformed(p: ErrorPlace, what: string): StrataError {
  return new StrataError('CONNECTOR_DATA', `malformed binlog data from ${where(p)}: ${what}.`, {
    retryable: false,
    hint: 'This is a bug in Strata or a damaged binlog: report it with the server version and the binlog file and position.',
  });
}

/** A feature of the server's binlog that the decoder does not read. */
export function unsupported(p: ErrorPlace, what: string, remedy: string): StrataError {
  return new StrataError('CONNECTOR_DATA', `unsupported binlog content from ${where(p)}: ${what}.`, {
    retryable: false,
    hint: remedy,
  });
}
