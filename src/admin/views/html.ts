// The one HTML-escaping helper: `html` tagged templates escape every interpolated value unless it is
// already SafeHtml, so a user named `<script>` or a file called `"><img onerror=...>` renders as text.

/** HTML known to be safe: produced by `html` (whose holes were escaped) or `raw` for fixed markup. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

type Hole = SafeHtml | string | number | boolean | null | undefined | readonly Hole[];

function render(value: Hole): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${name}</p>\`` escapes `name`; arrays of SafeHtml are joined; false/null/undefined render nothing. */
export function html(strings: TemplateStringsArray, ...values: Hole[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Fixed markup written in this code base (never data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
