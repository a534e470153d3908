/** Setting ids apart from the schema, so that the webview can name a setting without bundling the schema. */
import type { SettingKey } from './schema';

/** The configuration section every key lives under. */
export const SETTINGS_SECTION = 'splitreason';

/**
 * A setting's full id, as a user finds it in settings.json. Messages name settings through
 * this, so a renamed key fails to compile instead of sending users to a setting that is gone.
 */
export function settingId(key: SettingKey): string {
  return `${SETTINGS_SECTION}.${key}`;
}
