// Builds the full "FTP service" form as the page would submit it from the running config, with some
// fields overridden (a browser sends every field of the form; unchecked boxes are simply absent).
import { configField, valueAt } from '../../src/admin/config-fields.js';
import { SERVICE_KEYS } from '../../src/admin/service-fields.js';
import type { FerryConfig } from '../../src/config/schema.js';

export function serviceForm(config: FerryConfig, overrides: Record<string, string | boolean> = {}): Record<string, string> {
  const form: Record<string, string> = {};
  for (const key of SERVICE_KEYS) {
    const value = key in overrides ? overrides[key] : valueAt(config, key);
    if (configField(key).kind === 'boolean') {
      if (value === true || value === 'on') form[key] = 'on';
    } else {
      form[key] = value === undefined ? '' : String(value);
    }
  }
  return form;
}
