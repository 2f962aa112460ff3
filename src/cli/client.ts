import { StrataError } from '../core/errors.js';

/**
 * The HTTP client `strata sql` and `strata query` use to talk to a running server. An
 * error answer of the server becomes the StrataError it described (same code, so the
 * exit code is the same as if the statement had run locally).
 */
export async function callServer(server: string, path: string, body: unknown): Promise<unknown> {
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new StrataError('USAGE', `--server '${server}' is not a URL`, { hint: 'Use e.g. --server http://127.0.0.1:8030.' });
  }
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new StrataError('CONNECTOR_IO', `cannot reach the Strata server at ${base.origin} (${cause})`, {
      hint: "Start it with 'strata start', or point --server at it.",
    });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StrataError('CONNECTOR_IO', `the server at ${base.origin} answered ${res.status} with something that is not JSON`, {
      hint: 'Is --server pointing at a Strata HTTP port (8030)?',
    });
  }
  if (!res.ok) {
    const err = json as { message?: string; errorCode?: string };
    const code = (err.errorCode ?? 'RUNTIME') as ConstructorParameters<typeof StrataError>[0];
    // The server's message already carries the location and the hint.
    throw new StrataError(code, err.message ?? `the server answered ${res.status}`);
  }
  return json;
}
