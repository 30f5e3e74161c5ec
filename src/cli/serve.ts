import { type Config, loadConfig } from '../config/config.js';
import { logCrashes } from './crash.js';

/** `sessiond serve`: runs until SIGTERM/SIGINT, then drains and exits 0. */
export async function serve(o: { host?: string; port?: number; dataDir?: string }): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, { host: o.host, port: o.port, dataDir: o.dataDir } as Partial<Config>);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const { createApp, createLogger } = await import('../app.js');
  const logger = createLogger(config.logLevel);
  logCrashes(logger);
  const app = await createApp(config, { logger }).catch((e: unknown) => {
    process.stderr.write(`sessiond could not start: ${(e as Error).message}\n`);
    process.exit(1);
  });
  const url = await app.listen().catch((e: unknown) => {
    process.stderr.write(`sessiond could not listen on ${config.host}:${config.port}: ${(e as Error).message}\n`);
    process.exit(1);
  });
  app.logger.info({ url, storage: app.store.description }, 'sessiond listening');
  const lines = [
    `sessiond listening on ${url} (HTTP/1.1 and h2c)`,
    `storage: ${app.store.description}`,
    `native API: ${url}/v1  OpenAPI: ${url}/v1/openapi.json  health: ${url}/healthz`,
    ...(config.console ? [`admin console: ${url}/console (sign in as a user with the admin role, or with a credential secret)`] : []),
  ];
  if (app.bootstrapSecret) {
    lines.push(
      '',
      "created the bootstrap credential (client id 'bootstrap', every permission). Its secret, shown only this once:",
      `  ${app.bootstrapSecret}`,
      'use it as: Authorization: Bearer <secret>. Set SESSIOND_BOOTSTRAP_TOKEN to choose it yourself.',
    );
  }
  process.stderr.write(`${lines.join('\n')}\n`);

  const shutdown = (signal: string) => {
    app.logger.info({ signal }, 'shutting down: draining in-flight requests');
    app
      .stop()
      .then(() => {
        app.logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
