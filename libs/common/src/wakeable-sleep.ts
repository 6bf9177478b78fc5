/**
 * The pause of a polling loop that can be cut short: `wake()` ends the
 * current sleep at once, and a wake that comes while the loop is busy makes
 * the next sleep return at once (so a poke between passes is never missed).
 */
export class WakeableSleep {
  private endSleep?: () => void;
  private woken = false;

  sleep(ms: number): Promise<void> {
    if (this.woken || ms <= 0) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.endSleep = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.endSleep = finish;
    });
  }

  wake(): void {
    if (this.endSleep) this.endSleep();
    else this.woken = true;
  }
}
