//! What the earnings and operator pages show.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problem};
use crate::ledger::types::{Balance, Money, Movement};

/// A bank account number, checked digit by digit: capitals, no spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban(String);

impl Iban {
    /// An IBAN as typed (spaces and lower case allowed).
    #[cfg(feature = "ssr")]
    pub fn parse(s: &str) -> Result<Self, AppError> {
        use iban::IbanLike;
        if s.trim().is_empty() {
            return Err(AppError::invalid("iban", Problem::Required));
        }
        s.to_ascii_uppercase()
            .parse::<iban::Iban>()
            .map(|iban| Self(iban.electronic_str().to_owned()))
            .map_err(|_| AppError::invalid("iban", Problem::InvalidIban))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name on a bank account: trimmed, 2 to 70 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountHolder(String);

impl AccountHolder {
    pub const MAX: u32 = 70;

    pub fn parse(s: &str) -> Result<Self, AppError> {
        let holder = s.trim();
        match holder.chars().count() {
            0 => Err(AppError::invalid("holder", Problem::Required)),
            1 => Err(AppError::invalid("holder", Problem::TooShort { min: 2 })),
            n if n > Self::MAX as usize => Err(AppError::invalid(
                "holder",
                Problem::TooLong { max: Self::MAX },
            )),
            _ => Ok(Self(holder.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where income comes from. Each later feature fills one in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Deals,
    /// What sellers (creators' merch, brands' products) were paid for their orders.
    ShopSales,
    Commissions,
    Gifts,
    Donations,
    StageSlots,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Self::Deals,
        Self::ShopSales,
        Self::Commissions,
        Self::Gifts,
        Self::Donations,
        Self::StageSlots,
    ];
}

/// The income of one source over the statement's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Income {
    pub source: Source,
    pub amount: Money,
    /// How many payments made it (a clawback counts as one too).
    pub count: i64,
}

/// A payout's progress: requested by its owner, sent by an operator, then paid or failed.
/// A failed payout's money is back in the earnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutState {
    Requested,
    Processing,
    Paid,
    Failed,
}

impl PayoutState {
    pub const ALL: [PayoutState; 4] = [Self::Requested, Self::Processing, Self::Paid, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Processing => "processing",
            Self::Paid => "paid",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payout {
    pub id: String,
    pub amount: Money,
    /// The IBAN as its owner may see it again: the country and the last four characters.
    pub iban_hint: String,
    pub holder: String,
    pub state: PayoutState,
    pub failure: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A person's earnings over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// What can be paid out now.
    pub balance: Balance,
    /// Requested payouts not yet paid.
    pub in_flight: Money,
    /// Shop commissions earned and still held until their orders' return windows end.
    pub held: Option<crate::orders::types::HeldCommissions>,
    /// Every source, in [`Source::ALL`] order, even when nothing came from it yet.
    pub income: Vec<Income>,
    pub total: Money,
    /// What each live event brought over the period, newest first.
    pub events: Vec<EventIncome>,
    pub movements: Vec<Movement>,
    pub payouts: Vec<Payout>,
    pub form: PayoutForm,
}

/// One live event's summary on the statement: its gifts, donations and stage slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventIncome {
    pub id: i64,
    pub title: String,
    pub starts_at: i64,
    pub gifts: Money,
    pub donations: Money,
    pub stage_slots: Money,
    pub total: Money,
}

/// What the payout request form needs besides the balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutForm {
    /// The smallest payout.
    pub minimum: Money,
    /// The payments processor is the built-in test one (the form then says which IBAN fails).
    pub test_mode: bool,
    /// The form's one-time key: sent twice, it still asks for one payout.
    pub key: String,
    /// Whether the account's address is confirmed: no payout before.
    pub email_confirmed: bool,
}

/// A payout as operators see it: whose it is and the whole IBAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutForOperator {
    pub payout: Payout,
    pub handle: String,
    pub display_name: String,
    pub iban: String,
    /// The processor that was asked to pay it, and its id for the payout.
    pub provider: Option<String>,
    pub provider_ref: Option<String>,
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_digit_by_digit() {
        let iban = Iban::parse("fr14 2004 1010 0505 0001 3m02 606").unwrap();
        assert_eq!(iban.as_str(), "FR1420041010050500013M02606");
        assert_eq!(
            Iban::parse("DE89 3704 0044 0532 0130 01"),
            Err(AppError::invalid("iban", Problem::InvalidIban)),
            "one digit off"
        );
        assert_eq!(
            Iban::parse(" "),
            Err(AppError::invalid("iban", Problem::Required))
        );
    }

    #[test]
    fn holders_are_trimmed_and_bounded() {
        assert_eq!(
            AccountHolder::parse("  Ana Lopez ").unwrap().as_str(),
            "Ana Lopez"
        );
        assert!(AccountHolder::parse("A").is_err());
        assert!(AccountHolder::parse(&"x".repeat(71)).is_err());
    }
}
