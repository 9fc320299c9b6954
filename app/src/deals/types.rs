//! What deal pages show.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problem};
use crate::ledger::types::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealState {
    /// Terms on the table, waiting for the other party.
    Offered,
    /// Both agree; waiting for the brand to fund the escrow.
    Accepted,
    /// The escrow holds the amount; waiting for the creator to deliver.
    Funded,
    /// Delivered; the brand approves or asks for a revision before the review window ends.
    Delivered,
    Completed,
    Cancelled,
    /// Frozen by either party until an operator settles it.
    Disputed,
}

impl DealState {
    pub const ALL: [DealState; 7] = [
        Self::Offered,
        Self::Accepted,
        Self::Funded,
        Self::Delivered,
        Self::Completed,
        Self::Cancelled,
        Self::Disputed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offered => "offered",
            Self::Accepted => "accepted",
            Self::Funded => "funded",
            Self::Delivered => "delivered",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Disputed => "disputed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// The two sides of a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Brand,
    Creator,
}

impl Party {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Brand => "brand",
            Self::Creator => "creator",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Brand, Self::Creator]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// What a party does to a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealStep {
    /// New terms (a counter-offer) while offered.
    Counter,
    Accept,
    Cancel,
    Fund,
    Deliver,
    Approve,
    AskRevision,
    Dispute,
    /// The review window ended without an answer: the worker releases the escrow.
    AutoRelease,
}

impl DealStep {
    /// Its name in forms and in the thread.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Accept => "accept",
            Self::Cancel => "cancel",
            Self::Fund => "fund",
            Self::Deliver => "deliver",
            Self::Approve => "approve",
            Self::AskRevision => "ask_revision",
            Self::Dispute => "dispute",
            Self::AutoRelease => "auto_release",
        }
    }
}

/// A line of the deal thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealMessage {
    /// The author's name; `None` for what the platform itself wrote.
    pub author: Option<String>,
    pub kind: String,
    pub body: String,
    pub amount: Option<Money>,
    pub due_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    pub id: i64,
    pub campaign: Option<(i64, String)>,
    pub brand_name: String,
    pub creator_handle: String,
    pub creator_name: String,
    pub state: DealState,
    pub amount: Money,
    pub deliverables: String,
    pub due_at: i64,
    pub proposed_by: Party,
    pub revisions: u32,
    pub review_until: Option<i64>,
    /// Which side the viewer is on.
    pub viewer: Party,
    /// What the creator uploaded to deliver.
    pub files: Vec<DealFile>,
    /// Once completed: what the viewer gave the other party, and what they were given.
    pub rating_given: Option<Stars>,
    pub rating_received: Option<Stars>,
    pub messages: Vec<DealMessage>,
}

/// A deal in an inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealLine {
    pub id: i64,
    pub counterpart: String,
    pub title: String,
    pub state: DealState,
    pub amount: Money,
    pub due_at: i64,
    pub updated_at: i64,
}

/// A frozen deal on the operators' desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disputed {
    pub id: i64,
    pub brand_name: String,
    pub creator_name: String,
    pub amount: Money,
    pub since: i64,
    /// What the party who opened the dispute wrote.
    pub reason: String,
}

/// A rating after a completed deal: one to five stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stars(u8);

impl Stars {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw.trim().parse::<u8>() {
            Ok(n @ 1..=5) => Ok(Self(n)),
            _ => Err(AppError::invalid("stars", Problem::NoStars)),
        }
    }

    /// From the database, where a CHECK keeps it in range.
    pub fn from_stored(n: i64) -> Option<Self> {
        Self::parse(&n.to_string()).ok()
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// What a person's deals say of them: ratings and how quickly they answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reputation {
    /// Average stars x 100, once rated.
    pub rating_centi: Option<u32>,
    pub ratings: u32,
    /// Median minutes to answer in deal threads, once they have answered.
    pub response_mins: Option<u32>,
    /// The latest ratings, newest first.
    pub reviews: Vec<Review>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub author: String,
    pub stars: Stars,
    pub comment: String,
    pub at: i64,
}

/// A party's deals at a glance, above their inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub viewer: Party,
    /// When it was read: what "overdue" is measured against, the same on both sides.
    pub now: i64,
    /// How many deals are in each state (states without deals left out).
    pub by_state: Vec<(DealState, u32)>,
    /// Paid through completed deals per month, the last twelve months, oldest first: what a
    /// brand spent, or what a creator earned.
    pub monthly: Vec<crate::ui::chart::MonthTotal>,
    /// Paid through completed deals, ever.
    pub paid: Money,
    /// Held in escrow now, for deals under way.
    pub in_escrow: Money,
    /// Deals under way, soonest due first.
    pub upcoming: Vec<DealLine>,
    /// A brand's campaigns, latest first, with who applied.
    pub campaigns: Vec<CampaignApplicants>,
    /// A brand's results per creator, by amount paid.
    pub creators: Vec<CreatorResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignApplicants {
    pub id: i64,
    pub title: String,
    pub state: crate::campaigns::types::CampaignState,
    pub wanted: u32,
    pub accepted: u32,
    /// Every deal of the campaign, latest first (up to 20).
    pub applicants: Vec<Applicant>,
    /// How many deals the campaign has in all.
    pub applied: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub deal: i64,
    pub name: String,
    pub state: DealState,
    pub amount: Money,
}

/// What a brand's deals with one creator came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatorResult {
    pub handle: String,
    pub name: String,
    pub deals: u32,
    pub completed: u32,
    pub paid: Money,
    /// Followers over every network, as the creator declares them.
    pub audience: u64,
    /// The brand's own average rating of them, stars x 100.
    pub rating_centi: Option<u32>,
}

/// A file delivered on a deal, downloaded through [`DealFile::url`] by its two parties only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFile {
    pub id: i64,
    pub deal: i64,
    pub name: String,
    pub size: u64,
    pub created_at: i64,
}

impl DealFile {
    pub fn url(&self) -> String {
        format!("/deals/{}/files/{}", self.deal, self.id)
    }
}
