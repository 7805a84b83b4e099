//! "At most one request of a kind in flight; the newest wins."
//!
//! A burst of daemon events asks for many refreshes; only one list request runs at a
//! time, and if more were asked for meanwhile, exactly one more follows it. Answers
//! carry the id of the request they answer, so a stale one is recognised and dropped.

/// Identifies one request wharf sent, so its answer can be matched to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

#[derive(Debug, Clone, Default)]
pub struct Inflight {
    current: Option<RequestId>,
    wanted_again: bool,
}

/// What to do with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not the request in flight: drop it.
    Stale,
    /// The answer to the request in flight. `again` says another request is wanted.
    Current { again: bool },
}

impl Inflight {
    /// Asks for a request. Returns the id to send it under, or `None` when one is already
    /// in flight (then another is sent once that one is answered).
    pub fn want(&mut self, ids: &mut super::Ids) -> Option<RequestId> {
        if self.current.is_some() {
            self.wanted_again = true;
            return None;
        }
        let id = ids.next_request();
        self.current = Some(id);
        Some(id)
    }

    pub fn answered(&mut self, id: RequestId) -> Verdict {
        if self.current != Some(id) {
            return Verdict::Stale;
        }
        self.current = None;
        Verdict::Current { again: std::mem::take(&mut self.wanted_again) }
    }

    /// Forgets the request in flight (the connection it was sent on is gone).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    pub fn in_flight(&self) -> bool {
        self.current.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_coalesce_into_one_follow_up() {
        let mut next = super::super::Ids::default();
        let mut f = Inflight::default();
        let first = f.want(&mut next).unwrap();
        assert_eq!(f.want(&mut next), None);
        assert_eq!(f.want(&mut next), None);
        assert_eq!(f.answered(RequestId(99)), Verdict::Stale);
        assert_eq!(f.answered(first), Verdict::Current { again: true });
        let second = f.want(&mut next).unwrap();
        assert_ne!(first, second);
        assert_eq!(f.answered(second), Verdict::Current { again: false });
        assert!(!f.in_flight());
    }
}
