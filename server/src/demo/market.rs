//! The named demo creators' marketplace profiles, and the demo brands' campaigns.

use app::accounts::types::{Network, Niche};
use app::campaigns::store::{self as campaigns, NewCampaign};
use app::campaigns::types::{CampaignAction, Deliverable};
use app::ledger::types::Money;
use app::market::store::{self, MarketInput};
use app::market::types::{Availability, Format};
use app::ssr::Db;

struct Listing {
    handle: &'static str,
    language: &'static str,
    country: &'static str,
    availability: Availability,
    /// Euros per format.
    rates: &'static [(Format, i64)],
    /// Basis points per network.
    engagement: &'static [(Network, u32)],
}

const LISTINGS: &[Listing] = &[
    Listing {
        handle: "camille_cuisine",
        language: "fr",
        country: "FR",
        availability: Availability::Open,
        rates: &[(Format::Post, 40), (Format::Story, 15)],
        engagement: &[(Network::Instagram, 820)],
    },
    Listing {
        handle: "julien_velo",
        language: "fr",
        country: "BE",
        availability: Availability::Open,
        rates: &[(Format::Post, 50), (Format::ShortVideo, 90)],
        engagement: &[(Network::Instagram, 640), (Network::Youtube, 510)],
    },
    Listing {
        handle: "lucas_music",
        language: "fr",
        country: "FR",
        availability: Availability::Busy,
        rates: &[(Format::ShortVideo, 60), (Format::LiveMention, 30)],
        engagement: &[(Network::Tiktok, 930), (Network::Youtube, 400)],
    },
    Listing {
        handle: "amina_style",
        language: "fr",
        country: "MA",
        availability: Availability::Open,
        rates: &[
            (Format::Post, 80),
            (Format::Story, 30),
            (Format::ShortVideo, 120),
        ],
        engagement: &[(Network::Instagram, 710), (Network::Tiktok, 880)],
    },
    Listing {
        handle: "hugo_gaming",
        language: "fr",
        country: "FR",
        availability: Availability::Open,
        rates: &[(Format::LiveMention, 150), (Format::ShortVideo, 250)],
        engagement: &[(Network::Twitch, 540), (Network::Youtube, 380)],
    },
    Listing {
        handle: "sarah_tech",
        language: "en",
        country: "CA",
        availability: Availability::Open,
        rates: &[(Format::ShortVideo, 900), (Format::Post, 500)],
        engagement: &[(Network::Youtube, 420), (Network::X, 150)],
    },
    Listing {
        handle: "mael_voyage",
        language: "fr",
        country: "FR",
        availability: Availability::Away,
        rates: &[(Format::Post, 1_500), (Format::Story, 600)],
        engagement: &[(Network::Instagram, 260), (Network::Youtube, 310)],
    },
    Listing {
        handle: "ines_beauty",
        language: "fr",
        country: "FR",
        availability: Availability::Open,
        rates: &[
            (Format::Post, 3_500),
            (Format::Story, 1_200),
            (Format::ShortVideo, 4_000),
        ],
        engagement: &[(Network::Instagram, 210), (Network::Tiktok, 340)],
    },
];

/// Lists the named creators created by this load on the marketplace.
pub async fn load(db: &Db, id_of: impl Fn(&str) -> Option<i64>, now: i64) -> anyhow::Result<()> {
    for l in LISTINGS {
        let Some(id) = id_of(l.handle) else { continue };
        let input = MarketInput {
            language: l.language.to_owned(),
            country: l.country.to_owned(),
            availability: l.availability,
            rates: l
                .rates
                .iter()
                .map(|&(f, euros)| (f, Money::eur(euros * 100)))
                .collect(),
            engagement: l.engagement.to_vec(),
        };
        store::save(db, id, &input, now)
            .await
            .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

const DAY: i64 = 24 * 3600;

/// The demo brands' campaigns: open ones a small creator fits, and a draft.
pub async fn load_campaigns(
    db: &Db,
    id_of: impl Fn(&str) -> Option<i64>,
    now: i64,
) -> anyhow::Result<()> {
    let today = now.div_euclid(DAY) * DAY;
    let deliverable = |format, network, count| Deliverable {
        format,
        network,
        count,
    };
    let plans = [
        ("velocita", Some(CampaignAction::Publish), NewCampaign {
            title: "Gravel season: ride the Strada".into(),
            brief: "Take our new gravel frame on your favourite loop and tell your audience how it rides, good and bad.".into(),
            niches: vec![Niche::Sport, Niche::Travel],
            min_audience: 0,
            max_audience: Some(20_000),
            budget: Money::eur(15_000),
            creators_wanted: 3,
            starts_at: today + 7 * DAY,
            ends_at: today + 45 * DAY,
            free_product: "A Strada gravel frame, yours to keep".into(),
            deliverables: vec![deliverable(Format::Post, Network::Instagram, 2), deliverable(Format::Story, Network::Instagram, 3)],
        }),
        ("maison_lumiere", Some(CampaignAction::Publish), NewCampaign {
            title: "Autumn skincare routine".into(),
            brief: "Show your real morning routine with our new serum, no filters, for an audience that trusts you.".into(),
            niches: vec![Niche::Beauty, Niche::Lifestyle],
            min_audience: 0,
            max_audience: None,
            budget: Money::eur(9_000),
            creators_wanted: 5,
            starts_at: today + 3 * DAY,
            ends_at: today + 30 * DAY,
            free_product: String::new(),
            deliverables: vec![deliverable(Format::ShortVideo, Network::Tiktok, 1)],
        }),
        ("velocita", None, NewCampaign {
            title: "Winter commute (draft)".into(),
            brief: "Lights, mudguards and the daily ride to work in the dark months.".into(),
            niches: vec![Niche::Sport],
            min_audience: 1_000,
            max_audience: None,
            budget: Money::eur(30_000),
            creators_wanted: 2,
            starts_at: today + 30 * DAY,
            ends_at: today + 90 * DAY,
            free_product: String::new(),
            deliverables: vec![deliverable(Format::ShortVideo, Network::Youtube, 1)],
        }),
    ];
    for (brand, action, plan) in plans {
        let Some(brand) = id_of(brand) else { continue };
        let id = campaigns::create(db, brand, &plan, now)
            .await
            .map_err(anyhow::Error::msg)?;
        if let Some(action) = action {
            campaigns::act(db, brand, id, action, now)
                .await
                .map_err(anyhow::Error::msg)?;
        }
    }
    Ok(())
}
