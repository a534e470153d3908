/**
 * Server-sent events reader (the subset OpenAI-compatible servers use: `data:` and
 * `event:` fields, comments, any line ending). Written here rather than using the SDK's
 * stream because a provider must tell a stream that ended properly from one cut short.
 */

export interface SseEvent {
  event?: string;
  data: string;
}

export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;

  function* takeLines(final: boolean): Generator<SseEvent> {
    for (;;) {
      const m = /\r\n|\r|\n/.exec(buffer);
      // A lone trailing \r may be the first half of \r\n: wait for the next bytes.
      if (!m || (m[0] === '\r' && m.index === buffer.length - 1 && !final)) return;
      const line = buffer.slice(0, m.index);
      buffer = buffer.slice(m.index + m[0].length);
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n') };
        data = [];
        event = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
  }

  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    yield* takeLines(false);
  }
  buffer += decoder.decode();
  yield* takeLines(true);
  // Lenient about a missing final blank line: the last event still counts.
  if (buffer !== '') {
    buffer += '\n';
    yield* takeLines(true);
  }
  if (data.length > 0) yield { event, data: data.join('\n') };
}
