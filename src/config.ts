import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    BOT_ID: optionalText.pipe(z.string().uuid('BOT_ID must be the bot app (client) id, a GUID').optional()),
    BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMsi']).default('UserAssignedMsi'),
    BOT_TENANT_ID: optionalText,
    BOT_PASSWORD: optionalText,
    COSMOS_ENDPOINT: optionalText.pipe(z.string().url('COSMOS_ENDPOINT must be https://<account>.documents.azure.com:443/').optional()),
    COSMOS_DATABASE: z.string().trim().min(1).default('telesante'),
    COSMOS_CONTAINER: z.string().trim().min(1).default('teamdata'),
    COSMOS_LOCAL_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
    LOCAL_DATA_DIR: optionalText,
    ALLOWED_TENANT_IDS: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean)),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEV_LOCALE: optionalText.pipe(z.string().regex(/^[a-z]{2}(-[A-Za-z]{2})?$/, 'DEV_LOCALE must look like fr-CA or en-US').optional()),
  })
  .superRefine((env, ctx) => {
    if (env.BOT_ID && env.BOT_TYPE !== 'MultiTenant' && !env.BOT_TENANT_ID) {
      ctx.addIssue({ code: 'custom', path: ['BOT_TENANT_ID'], message: `BOT_TENANT_ID is required with BOT_TYPE=${env.BOT_TYPE}` });
    }
    if (env.BOT_ID && env.BOT_TYPE === 'MultiTenant' && env.ALLOWED_TENANT_IDS.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['ALLOWED_TENANT_IDS'], message: 'ALLOWED_TENANT_IDS is required with BOT_TYPE=MultiTenant' });
    }
    // A managed identity has no secret: a password there is a setting left over or put in the wrong place.
    if (env.BOT_TYPE === 'UserAssignedMsi' && env.BOT_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['BOT_PASSWORD'], message: 'BOT_PASSWORD must not be set with BOT_TYPE=UserAssignedMsi (a managed identity has no secret)' });
    }
    if (env.BOT_ID && env.DEV_LOCALE) {
      ctx.addIssue({ code: 'custom', path: ['DEV_LOCALE'], message: 'DEV_LOCALE is for local runs only (it replaces every person’s Teams locale)' });
    }
    if (env.BOT_ID && env.BOT_TYPE !== 'UserAssignedMsi' && !env.BOT_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['BOT_PASSWORD'], message: `BOT_PASSWORD is required with BOT_TYPE=${env.BOT_TYPE}` });
    }
  });

export interface Config {
  port: number;
  /** Bot Framework authentication; absent only for a local run (no app id configured). */
  bot?: { appId: string; type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMsi'; tenantId?: string; password?: string };
  /** Azure Cosmos DB when an endpoint is set; otherwise the in-memory local server. */
  cosmos: { endpoint?: string; database: string; container: string; localPort: number; localDataDir?: string };
  /** Tenants served; empty: the bot's own tenant in production, any tenant locally. */
  allowedTenantIds: string[];
  logLevel: string;
  /** Local runs: the locale assumed for every activity (the Playground always sends en-US). */
  devLocale?: string;
}

export class ConfigError extends Error {}

/** Reads the environment once; a missing or malformed setting stops the start, naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    bot: e.BOT_ID ? { appId: e.BOT_ID, type: e.BOT_TYPE, tenantId: e.BOT_TENANT_ID, password: e.BOT_PASSWORD } : undefined,
    cosmos: { endpoint: e.COSMOS_ENDPOINT, database: e.COSMOS_DATABASE, container: e.COSMOS_CONTAINER, localPort: e.COSMOS_LOCAL_PORT, localDataDir: e.LOCAL_DATA_DIR },
    allowedTenantIds: e.ALLOWED_TENANT_IDS,
    logLevel: e.LOG_LEVEL,
    devLocale: e.DEV_LOCALE,
  };
}

export function tenantPolicy(config: Config): (tenantId: string | undefined) => boolean {
  const allowed = config.allowedTenantIds.length ? config.allowedTenantIds : config.bot?.tenantId ? [config.bot.tenantId] : [];
  if (allowed.length === 0) return () => true;
  return (tenantId) => tenantId !== undefined && allowed.includes(tenantId);
}
