import { AnalyticsCircuit } from './analytics-circuit';

describe('analytics circuit breaker', () => {
  it('lets claims through while the backend answers', () => {
    const circuit = new AnalyticsCircuit();
    expect(circuit.mayClaim(0)).toBe(true);
    circuit.claimed(0);
    circuit.claimed(0);
    expect(circuit.mayClaim(0)).toBe(true);
    expect(circuit.waitMs(0)).toBe(0);
  });

  it('after a failure: pauses for the backoff, then allows one probe batch at a time, closes on success', () => {
    const circuit = new AnalyticsCircuit();
    circuit.failed(0);
    expect(circuit.mayClaim(500)).toBe(false);
    expect(circuit.waitMs(500)).toBe(500);
    expect(circuit.mayClaim(1000)).toBe(true);
    circuit.claimed(1000); // the probe
    expect(circuit.mayClaim(1001)).toBe(false);
    circuit.failed(2000); // second failure: 2 s
    expect(circuit.mayClaim(3999)).toBe(false);
    expect(circuit.mayClaim(4000)).toBe(true);
    circuit.claimed(4000);
    circuit.succeeded();
    expect(circuit.mayClaim(4001)).toBe(true);
  });

  it('a probe that is never answered does not stall telemetry for good', () => {
    const circuit = new AnalyticsCircuit();
    circuit.failed(0);
    circuit.claimed(1000);
    expect(circuit.mayClaim(20_000)).toBe(false);
    expect(circuit.mayClaim(31_000)).toBe(true);
  });
});
