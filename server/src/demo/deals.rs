//! Demo deals in every state, spread over the last months so that the dashboards' charts, the
//! ratings on profiles and the inboxes have something true to show. Every deal goes through
//! the same steps (and the same escrow) as a real one, at the times it would have taken them.

use app::deals::store::{self, Opening, Terms};
use app::deals::types::{DealStep, Party, Stars};
use app::ledger::types::Money;
use app::ssr::Db;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// How far a demo deal went.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reached {
    Offered,
    Cancelled,
    Accepted,
    Funded,
    Disputed,
    Delivered,
    AutoReleased,
    /// Approved, then rated by both: (stars given by the brand, by the creator).
    Approved(u8, u8),
}

struct Plan {
    brand: &'static str,
    creator: &'static str,
    /// An application to the brand's campaign with this title, instead of the brand's offer.
    campaign: Option<&'static str>,
    euros: i64,
    deliverables: &'static str,
    /// When it was opened.
    days_ago: i64,
    /// What the other side wrote back first, some hours later.
    reply: (&'static str, i64),
    reached: Reached,
    /// The brand's comment with its rating.
    review: &'static str,
}

const PLANS: &[Plan] = &[
    Plan {
        brand: "velocita",
        creator: "julien_velo",
        campaign: None,
        euros: 220,
        deliverables: "Two Instagram posts from a weekend ride on the Strada",
        days_ago: 160,
        reply: (
            "Love the frame, count me in. Can I shoot it in the Ardennes?",
            2,
        ),
        reached: Reached::Approved(5, 5),
        review: "Beautiful photos, delivered two days early.",
    },
    Plan {
        brand: "velocita",
        creator: "camille_cuisine",
        campaign: None,
        euros: 90,
        deliverables: "A story series: a picnic ride with a recipe",
        days_ago: 100,
        reply: ("Fun idea! A savoury tart travels well on a bike.", 5),
        reached: Reached::Approved(4, 5),
        review: "Warm, original, our best story engagement this year.",
    },
    Plan {
        brand: "maison_lumiere",
        creator: "ines_beauty",
        campaign: None,
        euros: 450,
        deliverables: "One TikTok video of a morning routine",
        days_ago: 70,
        reply: ("Happy to, I have used the serum for a month already.", 3),
        reached: Reached::Approved(5, 4),
        review: "Honest and precise, exactly the tone we wanted.",
    },
    Plan {
        brand: "velocita",
        creator: "amina_style",
        campaign: None,
        euros: 300,
        deliverables: "Three Instagram stories styling a city commute",
        days_ago: 45,
        reply: ("Yes! Commute style is my favourite topic.", 1),
        reached: Reached::AutoReleased,
        review: "",
    },
    Plan {
        brand: "velocita",
        creator: "lucas_music",
        campaign: None,
        euros: 150,
        deliverables: "A live mention during a Friday stream",
        days_ago: 20,
        reply: ("Deal, Friday at 9 pm works.", 4),
        reached: Reached::Approved(4, 5),
        review: "Natural mention, lots of questions in the chat.",
    },
    Plan {
        brand: "velocita",
        creator: "julien_velo",
        campaign: Some("Gravel season: ride the Strada"),
        euros: 140,
        deliverables: "Two posts and three stories on the gravel loop",
        days_ago: 6,
        reply: ("Welcome aboard, the frame ships tomorrow.", 6),
        reached: Reached::Funded,
        review: "",
    },
    Plan {
        brand: "velocita",
        creator: "hugo_gaming",
        campaign: None,
        euros: 250,
        deliverables: "A short video: the bike setup behind my stream",
        days_ago: 9,
        reply: ("Sounds good, my studio needs a bike corner anyway.", 2),
        reached: Reached::Delivered,
        review: "",
    },
    Plan {
        brand: "velocita",
        creator: "sarah_tech",
        campaign: None,
        euros: 600,
        deliverables: "A YouTube short reviewing our bike computer",
        days_ago: 1,
        reply: ("", 0),
        reached: Reached::Offered,
        review: "",
    },
    Plan {
        brand: "velocita",
        creator: "mael_voyage",
        campaign: None,
        euros: 900,
        deliverables: "A travel post from a bikepacking trip",
        days_ago: 30,
        reply: ("I am away until spring, sorry: let us talk again then.", 30),
        reached: Reached::Cancelled,
        review: "",
    },
    Plan {
        brand: "maison_lumiere",
        creator: "camille_cuisine",
        campaign: None,
        euros: 120,
        deliverables: "A post pairing a dinner recipe with our candle",
        days_ago: 25,
        reply: ("Done, the post is scheduled.", 3),
        reached: Reached::Disputed,
        review: "",
    },
    Plan {
        brand: "maison_lumiere",
        creator: "amina_style",
        campaign: Some("Autumn skincare routine"),
        euros: 85,
        deliverables: "One TikTok video of my real morning routine",
        days_ago: 2,
        reply: ("", 0),
        reached: Reached::Offered,
        review: "",
    },
    Plan {
        brand: "maison_lumiere",
        creator: "lucas_music",
        campaign: None,
        euros: 110,
        deliverables: "A short video with our candle in the studio",
        days_ago: 4,
        reply: ("Sure, candlelight sessions are a thing!", 8),
        reached: Reached::Accepted,
        review: "",
    },
];

/// Opens and runs every demo deal; `id_of` gives a demo person's id.
pub async fn load(db: &Db, id_of: impl Fn(&str) -> i64, now: i64) -> anyhow::Result<()> {
    for plan in PLANS {
        run(db, plan, &id_of, now)
            .await
            .map_err(|e| anyhow::anyhow!("demo deal with {}: {e}", plan.creator))?;
    }
    Ok(())
}

async fn run(
    db: &Db,
    p: &Plan,
    id_of: &impl Fn(&str) -> i64,
    now: i64,
) -> Result<(), app::error::AppError> {
    let (brand, creator) = (id_of(p.brand), id_of(p.creator));
    let mut t = now - p.days_ago * DAY;
    let campaign = match p.campaign {
        Some(title) => {
            sqlx::query_scalar("SELECT id FROM campaigns WHERE brand_id = $1 AND title = $2")
                .bind(brand)
                .bind(title)
                .fetch_optional(&db.pool)
                .await
                .map_err(app::ssr::internal)?
        }
        None => None,
    };
    let by = if campaign.is_some() {
        Party::Creator
    } else {
        Party::Brand
    };
    let opening = Opening {
        review_secs: app::deals::rules::REVIEW_WINDOW_SECS,
        brand_id: brand,
        creator_id: creator,
        campaign_id: campaign,
        by,
        terms: Terms {
            amount: Money::eur(p.euros * 100),
            deliverables: p.deliverables.to_owned(),
            // Work still to do is due ahead; what was done was due three weeks after it opened.
            due_at: if p.reached <= Reached::Funded {
                (t + 21 * DAY).max(now + 2 * DAY)
            } else {
                t + 21 * DAY
            },
        },
        message: match by {
            Party::Brand => "Hi! We love your work and think our audience overlaps. Interested?",
            Party::Creator => "Hello! Your campaign fits my audience perfectly, here is my pitch.",
        }
        .to_owned(),
    };
    let id = store::open(db, &opening, t).await?;
    if p.reached == Reached::Offered {
        return Ok(());
    }
    let (answerer, asker) = match by {
        Party::Brand => (creator, brand),
        Party::Creator => (brand, creator),
    };
    let (reply, hours) = p.reply;
    t += hours * HOUR;
    store::message(db, id, answerer, reply, t).await?;
    if p.reached == Reached::Cancelled {
        store::step(db, id, Some(asker), DealStep::Cancel, None, "", t + HOUR).await?;
        return Ok(());
    }
    t += HOUR;
    store::step(db, id, Some(answerer), DealStep::Accept, None, "", t).await?;
    if p.reached == Reached::Accepted {
        return Ok(());
    }
    t += 4 * HOUR;
    store::step(db, id, Some(brand), DealStep::Fund, None, "", t).await?;
    if p.reached == Reached::Funded {
        return Ok(());
    }
    t += 3 * DAY;
    let links = "https://www.instagram.com/p/demo-1\nhttps://www.instagram.com/p/demo-2";
    if p.reached == Reached::Disputed {
        store::step(db, id, Some(creator), DealStep::Deliver, None, links, t).await?;
        let why = "The post went out without the agreed mention of the candle.";
        store::step(db, id, Some(brand), DealStep::Dispute, None, why, t + DAY).await?;
        return Ok(());
    }
    if p.reached == Reached::Delivered {
        // Delivered yesterday: still inside its review window.
        t = now - DAY;
    }
    store::step(db, id, Some(creator), DealStep::Deliver, None, links, t).await?;
    match p.reached {
        Reached::AutoReleased => {
            store::release_due(db, t + app::deals::rules::REVIEW_WINDOW_SECS + 60).await?;
        }
        Reached::Approved(by_brand, by_creator) => {
            t += 20 * HOUR;
            store::step(db, id, Some(brand), DealStep::Approve, None, "", t).await?;
            let stars = |n: u8| Stars::parse(&n.to_string());
            store::rate(db, id, brand, stars(by_brand)?, p.review, t + HOUR).await?;
            let thanks = "Smooth from brief to payment. Would work together again.";
            store::rate(db, id, creator, stars(by_creator)?, thanks, t + 5 * HOUR).await?;
        }
        _ => {}
    }
    Ok(())
}
