import { ApiError } from '../api';
import { t } from '../i18n';

/** One sentence for the user about a failed call; the API's own message when it has one. */
export function describeError(e: unknown): string {
  if (!(e instanceof ApiError)) return t('error.generic', { status: '?' });
  switch (e.status) {
    case 0:
      return t('error.network');
    case 403:
      return e.message || t('error.forbidden');
    case 404:
      return t('error.notFound');
    case 429:
      return t('error.tooMany', { n: e.retryAfter ?? 1 });
    default:
      return e.message || t('error.generic', { status: e.status });
  }
}
