import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { ActionRegistry } from './actions/types';
import { type AwsClients, createClients, homeAccountOf } from './aws';
import { RetryableExecutionError } from './errors';
import type { Trigger } from './plan';
import { type Response, respond } from './respond';
import { loadSettings, type Settings } from './settings';

/** The audit record logged once per event; its shape is documented in the README and kept stable. */
export function auditRecord(event: { id?: unknown }, response: Response, dryRun: boolean, aliases: Record<string, string> = {}) {
  // The account the event is about (the finding body's), which in an organization need not be Warden's own.
  const account = response.plan?.alert?.account;
  return {
    eventId: typeof event.id === 'string' ? event.id : undefined,
    trigger: response.trigger,
    subject: response.plan?.eventId,
    resource: response.plan?.resource,
    ...(account ? { account, ...(aliases[account] ? { accountAlias: aliases[account] } : {}) } : {}),
    decision: response.decision,
    reason: response.reason,
    dryRun,
    steps: (response.outcomes ?? []).map(({ stepId, operation, status, detail, durationMs, error, target }) => ({
      stepId,
      operation,
      ...(target ? { account: target.account, region: target.region } : {}),
      status,
      detail,
      durationMs,
      ...(error ? { error: error.code, retryable: error.retryable } : {}),
    })),
  };
}

/**
 * EMF metrics per event (namespace Warden, dimension trigger): the decision, the AWS changes made and
 * failed, and for a completed quarantine the time from the event to "no traffic in or out".
 */
export function recordMetrics(metrics: Metrics, event: { time?: unknown }, response: Response, now = Date.now()): void {
  metrics.addMetric(`Decision_${response.decision}`, MetricUnit.Count, 1);
  const outcomes = response.outcomes ?? [];
  const changed = outcomes.filter((outcome) => outcome.status === 'done' && !isRead(outcome));
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  if (changed.length > 0) metrics.addMetric('ActionsTaken', MetricUnit.Count, changed.length);
  if (failed.length > 0) metrics.addMetric('StepsFailed', MetricUnit.Count, failed.length);
  const swaps = outcomes.filter((outcome) => outcome.stepId.startsWith('quarantine:'));
  const eventTime = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
  if (swaps.length > 0 && swaps.every((swap) => swap.status === 'done') && Number.isFinite(eventTime))
    metrics.addMetric('TimeToContainment', MetricUnit.Milliseconds, Math.max(0, now - eventTime));
}

const isRead = (outcome: { operation: string }) => /^(Describe|Get|List)/.test(outcome.operation);

/** Every alias known: the other accounts' and Warden's own. */
const aliasesOf = ({ accountAliases, homeAccount, accountAlias }: Settings) => ({
  ...accountAliases,
  ...(homeAccount && accountAlias ? { [homeAccount]: accountAlias } : {}),
});

/**
 * Settings and clients once per cold start, with Warden's own account: WARDEN_HOME_ACCOUNT (the
 * stack sets it), else asked of STS on the first event (a failure is retried with the next).
 */
function lazyHome(configured: Settings): () => Promise<{ settings: Settings; clients: AwsClients }> {
  let ready: Promise<{ settings: Settings; clients: AwsClients }> | undefined;
  return () => {
    ready ??= homeAccountOf(configured.homeAccount, createClients(configured)).then((homeAccount) => {
      const settings = { ...configured, homeAccount };
      return { settings, clients: createClients(settings) };
    });
    ready.catch(() => {
      ready = undefined;
    });
    return ready;
  };
}

/**
 * Builds a trigger's Lambda handler: settings and clients once per cold start; per event, respond,
 * one audit log line and metrics. An invalid event is logged and counted, never retried; a
 * retryable AWS failure, or any failure to publish the notification, throws so that Lambda retries
 * the event (every step is idempotent).
 */
export function createHandler(trigger: Trigger, actions: ActionRegistry) {
  const configured = loadSettings();
  const home = lazyHome(configured);
  const logger = new Logger({ serviceName: 'warden', persistentKeys: { trigger } });
  const metrics = new Metrics({ namespace: 'Warden', serviceName: 'warden', defaultDimensions: { trigger } });

  return async (event: EventBridgeEvent<string, unknown>, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<Response> => {
    try {
      const deadline = context ? Date.now() + context.getRemainingTimeInMillis() : undefined;
      const { settings, clients } = await home();
      const response = await respond(event, { settings, actions, clients, only: trigger, deadline });
      const audit = auditRecord(event, response, settings.dryRun, aliasesOf(settings));
      if (response.decision === 'error') {
        logger.error('invalid event', { audit });
        metrics.addMetric('InvalidEvents', MetricUnit.Count, 1);
        return response;
      }
      logger.info('decision', { audit });
      recordMetrics(metrics, event, response);
      const failed = (response.outcomes ?? []).filter((outcome) => outcome.status === 'failed');
      // People must hear of it: a notification that could not be published (a throttled topic, or a
      // disabled key) fails the invocation, so Lambda retries, then parks the event in the failed-events queue.
      const retryable = failed.filter(
        (outcome) => outcome.error?.retryable || (outcome.service === 'sns' && outcome.error?.code !== 'MissingSetting'),
      );
      if (retryable.length > 0)
        throw new RetryableExecutionError(
          `retryable failure in ${retryable.map((o) => o.stepId).join(', ')}`,
          retryable.map((o) => o.stepId),
        );
      return response;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
