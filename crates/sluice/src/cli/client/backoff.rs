//! Exponential backoff with jitter, shared by every command that retries or polls.

use std::time::Duration;

/// Doubles a delay from `initial` up to `max`; each delay is jittered into `[d/2, d]` so that many
/// workers retrying together do not stay in step.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    current: Duration,
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration) -> Backoff {
        Backoff {
            initial,
            max,
            current: initial,
        }
    }

    /// The delay to wait now; the following one is twice as long, up to the maximum.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = self.current;
        self.current = (self.current * 2).min(self.max);
        let ceiling_micros = u64::try_from(ceiling.as_micros()).unwrap_or(u64::MAX).max(2);
        let jittered = rand::random_range(ceiling_micros / 2..=ceiling_micros);
        Duration::from_micros(jittered)
    }

    /// Starts again from the initial delay (after a success).
    pub fn reset(&mut self) {
        self.current = self.initial;
    }

    /// Waits for [`Backoff::next_delay`].
    pub async fn wait(&mut self) {
        tokio::time::sleep(self.next_delay()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_delays_double_up_to_the_maximum_and_reset() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_millis(350));
        let first = backoff.next_delay();
        assert!(
            first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
            "{first:?}"
        );
        let second = backoff.next_delay();
        assert!(
            second >= Duration::from_millis(100) && second <= Duration::from_millis(200),
            "{second:?}"
        );
        for _ in 0..5 {
            assert!(backoff.next_delay() <= Duration::from_millis(350));
        }
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_millis(100));
    }
}
