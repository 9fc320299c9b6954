//! Pure campaign decisions: which state changes are allowed, and how a campaign fits a
//! creator.

use super::types::{Campaign, CampaignAction, CampaignState, FitCheck};
use crate::accounts::types::{Network, Niche};
use crate::error::AppError;
use crate::ledger::types::Money;

/// How many creators one campaign may want.
pub const MAX_CREATORS: u32 = 100;

/// The state `action` leads to from `from`, or a clear refusal.
pub fn transition(from: CampaignState, action: CampaignAction) -> Result<CampaignState, AppError> {
    match (from, action) {
        (CampaignState::Draft, CampaignAction::Publish) => Ok(CampaignState::Published),
        (CampaignState::Draft | CampaignState::Published, CampaignAction::Close) => {
            Ok(CampaignState::Closed)
        }
        (from, action) => Err(AppError::Conflict(format!(
            "cannot {action:?} a {} campaign",
            from.as_str()
        ))),
    }
}

/// What a campaign is matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatorFacts {
    pub niches: Vec<Niche>,
    pub networks: Vec<Network>,
    pub audience: u64,
    pub cheapest_rate: Option<Money>,
}

/// Each check of `campaign` against `creator`, in a fixed order.
pub fn fit(creator: &CreatorFacts, campaign: &Campaign) -> Vec<(FitCheck, bool)> {
    let niches =
        campaign.niches.is_empty() || campaign.niches.iter().any(|n| creator.niches.contains(n));
    let audience = creator.audience >= campaign.min_audience
        && campaign
            .max_audience
            .is_none_or(|max| creator.audience <= max);
    let networks = campaign
        .deliverables
        .iter()
        .all(|d| creator.networks.contains(&d.network));
    let budget = creator
        .cheapest_rate
        .is_none_or(|rate| rate.minor <= campaign.budget.minor);
    vec![
        (FitCheck::Niches, niches),
        (FitCheck::Audience, audience),
        (FitCheck::Networks, networks),
        (FitCheck::Budget, budget),
    ]
}

/// How many checks pass: campaigns are listed for a creator best fit first.
pub fn fit_count(checks: &[(FitCheck, bool)]) -> usize {
    checks.iter().filter(|(_, ok)| *ok).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaigns::types::Deliverable;
    use crate::market::types::Format;

    fn campaign() -> Campaign {
        Campaign {
            id: 1,
            brand_name: "Velocita".into(),
            brand_slug: "velocita".into(),
            title: "Gravel season".into(),
            brief: "Ride our new frame".into(),
            niches: vec![Niche::Sport, Niche::Travel],
            min_audience: 0,
            max_audience: Some(5_000),
            budget: Money::eur(15_000),
            creators_wanted: 3,
            starts_at: 0,
            ends_at: 86_400,
            free_product: String::new(),
            state: CampaignState::Published,
            deliverables: vec![Deliverable {
                format: Format::Post,
                network: Network::Instagram,
                count: 2,
            }],
        }
    }

    fn small_rider() -> CreatorFacts {
        CreatorFacts {
            niches: vec![Niche::Sport],
            networks: vec![Network::Instagram, Network::Youtube],
            audience: 800,
            cheapest_rate: Some(Money::eur(5_000)),
        }
    }

    #[test]
    fn an_800_follower_creator_fits_a_campaign_whose_minimum_is_zero() {
        let checks = fit(&small_rider(), &campaign());
        assert_eq!(fit_count(&checks), 4, "{checks:?}");
    }

    #[test]
    fn each_check_fails_on_its_own() {
        let c = campaign();
        let failing = |creator: CreatorFacts| -> Vec<FitCheck> {
            fit(&creator, &c)
                .into_iter()
                .filter(|(_, ok)| !ok)
                .map(|(f, _)| f)
                .collect()
        };
        assert_eq!(
            failing(CreatorFacts {
                niches: vec![Niche::Food],
                ..small_rider()
            }),
            vec![FitCheck::Niches]
        );
        assert_eq!(
            failing(CreatorFacts {
                audience: 9_000,
                ..small_rider()
            }),
            vec![FitCheck::Audience]
        );
        assert_eq!(
            failing(CreatorFacts {
                networks: vec![Network::Tiktok],
                ..small_rider()
            }),
            vec![FitCheck::Networks]
        );
        assert_eq!(
            failing(CreatorFacts {
                cheapest_rate: Some(Money::eur(20_000)),
                ..small_rider()
            }),
            vec![FitCheck::Budget]
        );
    }

    #[test]
    fn only_allowed_state_changes_happen() {
        use CampaignAction::*;
        use CampaignState::*;
        assert_eq!(transition(Draft, Publish).unwrap(), Published);
        assert_eq!(transition(Published, Close).unwrap(), Closed);
        assert_eq!(transition(Draft, Close).unwrap(), Closed);
        for (from, action) in [(Published, Publish), (Closed, Publish), (Closed, Close)] {
            assert!(
                matches!(transition(from, action), Err(AppError::Conflict(_))),
                "{from:?} {action:?}"
            );
        }
    }
}
