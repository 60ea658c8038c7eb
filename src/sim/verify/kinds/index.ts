/**
 * Vector kind → adapter.
 */
import type { Adapter } from '../context.js';
import { debounceAdapter } from './debounce.js';
import { distributeAdapter } from './distribute.js';
import { failoverPriorityAdapter } from './failover-priority.js';
import { localityPriorityAdapter, zoneAwarePriorityAdapter } from './locality-priority.js';
import { localityWeightAdapter } from './locality-weight.js';
import { networkGatewayAdapter } from './network-gateway.js';
import { outlierEjectionAdapter } from './outlier-ejection.js';
import { outlierMappingAdapter } from './outlier-mapping.js';
import { priorityAdapter } from './priority.js';
import { retryBackoffAdapter, retryPolicyAdapter } from './retry.js';

export const ADAPTERS: Readonly<Record<string, Adapter>> = {
  priority_load: priorityAdapter,
  panic: priorityAdapter,
  degraded_load: priorityAdapter,
  locality_weight: localityWeightAdapter,
  locality_priority: localityPriorityAdapter,
  failover_priority: failoverPriorityAdapter,
  zone_aware_priority: zoneAwarePriorityAdapter,
  locality_distribute: distributeAdapter,
  outlier_mapping: outlierMappingAdapter,
  outlier_ejection: outlierEjectionAdapter,
  network_gateway_weight: networkGatewayAdapter,
  retry_policy: retryPolicyAdapter,
  retry_backoff: retryBackoffAdapter,
  debounce: debounceAdapter,
};
