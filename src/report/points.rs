//! Points: what a check is worth, and what a learner earned.
//!
//! Kept in hundredths, so that an exercise weighted `points = 5` spreads
//! over its three checks as 1.67 + 1.67 + 1.66 and full marks add up to
//! exactly 5, never 4.99 or 5.01.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(u32);

impl Points {
    pub const ZERO: Points = Points(0);

    pub const fn whole(n: u32) -> Points {
        Points(n * 100)
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// `total` spread over `shares` as evenly as hundredths allow; the
    /// first shares carry the spare hundredths.
    pub fn spread(total: Points, shares: usize) -> Vec<Points> {
        if shares == 0 {
            return Vec::new();
        }
        let n = u32::try_from(shares).unwrap_or(u32::MAX);
        let (each, spare) = (total.0 / n, total.0 % n);
        (0..n)
            .map(|i| Points(each + u32::from(i < spare)))
            .collect()
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        Points(self.0 + other.0)
    }
}

impl Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Add::add)
    }
}

/// "3", "2.5", "1.67".
impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, cents) = (self.0 / 100, self.0 % 100);
        match cents {
            0 => write!(f, "{whole}"),
            c if c % 10 == 0 => write!(f, "{whole}.{}", c / 10),
            c => write!(f, "{whole}.{c:02}"),
        }
    }
}

/// A whole number when it is one (`3`), else a decimal (`1.67`).
impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(100) {
            s.serialize_u32(self.0 / 100)
        } else {
            s.serialize_f64(self.as_f64())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Points;

    #[test]
    fn a_weight_spreads_exactly() {
        let shares = Points::spread(Points::whole(5), 3);
        assert_eq!(
            shares.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            ["1.67", "1.67", "1.66"]
        );
        assert_eq!(shares.into_iter().sum::<Points>(), Points::whole(5));
        assert_eq!(
            Points::spread(Points::whole(4), 4),
            vec![Points::whole(1); 4]
        );
        assert!(Points::spread(Points::whole(4), 0).is_empty());
    }

    #[test]
    fn whole_points_serialize_as_integers() {
        assert_eq!(serde_json::to_string(&Points::whole(3)).unwrap(), "3");
        assert_eq!(
            serde_json::to_string(&Points::spread(Points::whole(1), 2)[0]).unwrap(),
            "0.5"
        );
        assert_eq!(Points::spread(Points::whole(1), 2)[0].to_string(), "0.5");
    }
}
