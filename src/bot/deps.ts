import type { Logger } from 'pino';
import type { TeamService } from '../domain/teamService';
import type { Clock } from '../domain/clock';
import type { PatientService } from '../domain/patientService';
import type { AccessJournal, HistoryRepository } from '../domain/ports';
import type { AlertDispatcher } from '../notifications/dispatcher';
import type { RetentionService } from '../domain/retentionService';
import type { ReleveService } from '../domain/releveService';
import type { ChannelBook } from './channels';
import type { PostedCards } from './postedCards';

/** What the bot's handlers are given, built once in main.ts. */
export interface BotDeps {
  patients: PatientService;
  teams: TeamService;
  /** Each patient's change history (the history card). */
  history: HistoryRepository;
  /** Locally (no Bot Framework auth) files may come from any host, e.g. the Playground; in Azure only from SharePoint. */
  anyFileHost: boolean;
  /** Whether a tenant is served (ALLOWED_TENANT_IDS). */
  tenantAllowed: (tenantId: string | undefined) => boolean;
  alerts: Pick<AlertDispatcher, 'acknowledge' | 'unacknowledged'>;
  channels: ChannelBook;
  posted: PostedCards;
  /** Local runs only (DEV_LOCALE): the locale assumed instead of the activity's. */
  devLocale?: string;
  /** Purge preview and exclusion (superusers). */
  retention: RetentionService;
  /** Every display of patients' information is recorded here first (src/bot/journal.ts). */
  journal: AccessJournal;
  /** La relève on demand and its acknowledgement. */
  releve: ReleveService;
  clock: Clock;
  logger: Logger;
  newId: () => string;
}
