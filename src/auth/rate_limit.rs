//! Sign-in throttling, per client IP and per account, with the `governor`
//! crate's keyed GCRA limiters. Limits are per server process; with several
//! processes behind a balancer each enforces its own budget.

use governor::{clock::DefaultClock, state::keyed::DefaultKeyedStateStore, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

#[derive(Clone)]
pub struct SignInLimits {
    per_ip: Arc<Keyed<IpAddr>>,
    per_account: Arc<Keyed<String>>,
}

impl SignInLimits {
    /// `per_ip` and `per_account` attempts per minute, each allowed as a burst.
    pub fn new(per_ip: u32, per_account: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("non-zero"));
        SignInLimits {
            per_ip: Arc::new(RateLimiter::keyed(quota(per_ip))),
            per_account: Arc::new(RateLimiter::keyed(quota(per_account))),
        }
    }

    /// Spends one attempt for this IP and this account; false when either is exhausted.
    pub fn allow(&self, ip: Option<IpAddr>, account: &str) -> bool {
        let ip_ok = ip.is_none_or(|ip| self.per_ip.check_key(&ip).is_ok());
        let account_ok = self.per_account.check_key(&account.to_string()).is_ok();
        ip_ok && account_ok
    }

    /// Forgets keys whose budget has fully recovered (called periodically).
    pub fn prune(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempt_after_the_budget_is_refused() {
        let limits = SignInLimits::new(100, 3);
        let ip = Some("127.0.0.1".parse().unwrap());
        for _ in 0..3 {
            assert!(limits.allow(ip, "a@example.com"));
        }
        assert!(!limits.allow(ip, "a@example.com"));
        assert!(
            limits.allow(ip, "b@example.com"),
            "other accounts are unaffected"
        );
    }

    #[test]
    fn per_ip_budget_spans_accounts() {
        let limits = SignInLimits::new(2, 100);
        let ip = Some("10.0.0.1".parse().unwrap());
        assert!(limits.allow(ip, "a@example.com"));
        assert!(limits.allow(ip, "b@example.com"));
        assert!(!limits.allow(ip, "c@example.com"));
        assert!(limits.allow(Some("10.0.0.2".parse().unwrap()), "c@example.com"));
    }
}
