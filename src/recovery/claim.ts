import type { Tuning } from '../config/presets.js';
import { emptyRecord, recordAttempt } from '../state/records.js';
import type { RecoveryAttempt, StateStore } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { budgetFor } from './planner.js';

/**
 * Claims a recovery attempt in the shared state before the provider is called: re-checks the restart budget
 * and backoff on the state as it is now and writes the claim with the store's compare-and-swap. On a conflict
 * the store re-reads and this check runs again, so N concurrent runs or commands make at most
 * `restartBudget` recoveries. Returns undefined when claimed, else why not (in words).
 */
export async function claimAttempt(
  store: StateStore,
  serviceId: string,
  claim: RecoveryAttempt & { id: string },
  tuning: Tuning,
  options: { /** A person's `--force`: recorded, never refused by the budget. */ force?: boolean } = {},
): Promise<string | undefined> {
  let refusal: string | undefined;
  await store.update((fresh) => {
    refusal = undefined;
    const services = fresh.services;
    const record = Object.hasOwn(services, serviceId) ? services[serviceId] : emptyRecord(claim.at);
    if (record.attempts.some((a) => a.id === claim.id)) return; // already ours (a re-applied round)
    const budget = budgetFor(record, tuning, claim.at);
    if (options.force)
      return { ...fresh, services: { ...services, [serviceId]: recordAttempt(record, claim) } };
    if (budget.exhausted) {
      refusal = `the restart budget is used up (${budget.used} of ${budget.limit} recoveries in the last ${formatDuration(budget.windowMs)}, counting other runs)`;
      return;
    }
    if (budget.nextAllowedAt > claim.at) {
      refusal = `another run recovered it moments ago (next ${claim.action} allowed in ${formatDuration(budget.nextAllowedAt - claim.at)})`;
      return;
    }
    return { ...fresh, services: { ...services, [serviceId]: recordAttempt(record, claim) } };
  });
  return refusal;
}
