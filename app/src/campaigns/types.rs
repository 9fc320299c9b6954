//! What campaign pages show.

use serde::{Deserialize, Serialize};

use crate::accounts::types::{Network, Niche};
use crate::ledger::types::Money;
use crate::market::types::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    Draft,
    Published,
    Closed,
}

impl CampaignState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Published, Self::Closed]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// What a brand does to its campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignAction {
    Publish,
    Close,
}

/// So many pieces of one format, on one network, from each creator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deliverable {
    pub format: Format,
    pub network: Network,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i64,
    pub brand_name: String,
    pub brand_slug: String,
    pub title: String,
    pub brief: String,
    pub niches: Vec<Niche>,
    pub min_audience: u64,
    pub max_audience: Option<u64>,
    /// Paid to each creator.
    pub budget: Money,
    pub creators_wanted: u32,
    pub starts_at: i64,
    pub ends_at: i64,
    pub free_product: String,
    pub state: CampaignState,
    pub deliverables: Vec<Deliverable>,
}

/// One reason a campaign does or does not fit a creator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FitCheck {
    /// The creator works in at least one of the campaign's niches (or it names none).
    Niches,
    /// The creator's audience lies in the campaign's range.
    Audience,
    /// The creator is on every network the deliverables are for.
    Networks,
    /// The budget covers the creator's cheapest rate.
    Budget,
}

/// A published campaign as a creator sees it: with how it fits them, when they are a creator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub campaign: Campaign,
    pub fit: Option<Vec<(FitCheck, bool)>>,
}
