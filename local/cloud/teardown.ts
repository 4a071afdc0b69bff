/**
 * Stops what was started, in reverse order, once: the local cloud registers
 * each part as it starts it, so a failure half-way through start-up stops
 * exactly what had started, and `stop()` stops everything.
 *
 * @example
 * const teardown = new Teardown();
 * const emulators = teardown.add(await startEmulators(), (running) => running.stop());
 * await teardown.run();
 */
export class Teardown {
  private readonly steps: (() => unknown)[] = [];
  private running: Promise<void> | undefined;

  /** Registers `stop` for `resource` and returns the resource. */
  add<T>(resource: T, stop: (resource: T) => unknown): T {
    this.steps.push(() => stop(resource));
    return resource;
  }

  /**
   * Runs every step, the last registered first, each after the one before has
   * finished; a step that fails does not keep the others from running, and its
   * error is passed to `onError`.
   */
  run(onError: (error: unknown) => void = (error) => console.error('local cloud: while stopping:', error)): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch (error) {
          onError(error);
        }
      }
    })();
    return this.running;
  }
}
