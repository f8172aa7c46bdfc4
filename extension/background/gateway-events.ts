/**
 * What the background tells the Gateway window while a flow runs. Kept free of imports so the Gateway
 * and popup bundles can use it without pulling in the background's schemas.
 */
export const GATEWAY_PORT_NAME = 'tandem.gateway';

export type GatewayEvent =
  /** `step` indexes the steps the Gateway shows for this flow (0-based); `round` counts MPC rounds. */
  { type: 'progress'; step: number; round?: number };
