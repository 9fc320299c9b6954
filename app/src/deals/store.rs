//! The deals' SQL. Every step reads the deal, asks `rules::next`, and changes it under a guard
//! on the state it read, in one transaction with the money it moves: of two concurrent steps
//! (approve and auto-release, two fundings) one happens and the other is refused.

use sqlx::{AnyConnection, FromRow};

use super::rules;
use super::types::*;
use crate::error::{AppError, Problem};
use crate::ledger::store as ledger;
use crate::ledger::types::{
    AccountRef, Currency, Hold, LedgerError, Money, NewTransfer, TransferKind,
};
use crate::notifications::store::notify;
use crate::notifications::types::{DealNews, Notice};
use crate::ssr::{internal, Db};
use crate::ui::chart::{per_month, CHART_MONTHS};

fn db_err(e: sqlx::Error) -> AppError {
    internal(e)
}

/// The terms on the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub amount: Money,
    pub deliverables: String,
    pub due_at: i64,
}

/// Who a new deal is between and what it is about.
pub struct Opening {
    pub brand_id: i64,
    pub creator_id: i64,
    pub campaign_id: Option<i64>,
    /// The side making the first offer: the brand invites, the creator applies.
    pub by: Party,
    /// How long the brand will have to review a delivery before it is paid on its own.
    pub review_secs: i64,
    pub terms: Terms,
    pub message: String,
}

/// Opens a deal with its first offer; returns its id. The counterpart must have the right role,
/// and an application must be to a published campaign, within its budget.
pub async fn open(db: &Db, o: &Opening, now: i64) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let roles: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, role FROM users WHERE id IN ($1, $2)")
            .bind(o.brand_id)
            .bind(o.creator_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
    let has = |id: i64, role: &str| roles.iter().any(|(i, r)| *i == id && r == role);
    if !has(o.brand_id, "brand") || !has(o.creator_id, "creator") {
        return Err(AppError::NotFound);
    }
    if let Some(campaign) = o.campaign_id {
        let budget: Option<i64> = sqlx::query_scalar(
            "SELECT budget FROM campaigns WHERE id = $1 AND brand_id = $2 AND state = 'published'",
        )
        .bind(campaign)
        .bind(o.brand_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        let budget = budget.ok_or(AppError::NotFound)?;
        if o.terms.amount.minor > budget {
            return Err(AppError::invalid(
                "amount",
                Problem::AmountTooLarge { max_minor: budget },
            ));
        }
    }
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO deals (campaign_id, brand_id, creator_id, state, amount, deliverables, due_at,
                            proposed_by, created_at, updated_at, review_secs)
         VALUES ($1, $2, $3, 'offered', $4, $5, $6, $7, $8, $8, $9)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(o.campaign_id)
    .bind(o.brand_id)
    .bind(o.creator_id)
    .bind(o.terms.amount.minor)
    .bind(&o.terms.deliverables)
    .bind(o.terms.due_at)
    .bind(o.by.as_str())
    .bind(now)
    .bind(o.review_secs)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let id =
        id.ok_or_else(|| AppError::Conflict("there is already a deal for this campaign".into()))?;
    let author = match o.by {
        Party::Brand => o.brand_id,
        Party::Creator => o.creator_id,
    };
    write(
        &mut tx,
        id,
        Some(author),
        "offer",
        &o.message,
        Some(&o.terms),
        now,
    )
    .await?;
    let to = match o.by {
        Party::Brand => o.creator_id,
        Party::Creator => o.brand_id,
    };
    tell(&mut tx, to, id, author, DealNews::Offer, now).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(id)
}

async fn write(
    conn: &mut AnyConnection,
    deal: i64,
    author: Option<i64>,
    kind: &str,
    body: &str,
    terms: Option<&Terms>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO deal_messages (deal_id, author_id, kind, body, amount, due_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(deal)
    .bind(author)
    .bind(kind)
    .bind(body)
    .bind(terms.map(|t| t.amount.minor))
    .bind(terms.map(|t| t.due_at))
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Notifies `to` of `news` on deal `deal`, from `from` (a user id).
async fn tell(
    conn: &mut AnyConnection,
    to: i64,
    deal: i64,
    from: i64,
    news: DealNews,
    now: i64,
) -> Result<(), AppError> {
    let name: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
        .bind(from)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)?;
    notify(
        conn,
        to,
        &Notice::Deal {
            id: deal,
            from: name,
            news,
        },
        now,
    )
    .await
}

/// A deal as its steps need it.
#[derive(FromRow)]
struct Row {
    state: String,
    brand_id: i64,
    creator_id: i64,
    campaign_id: Option<i64>,
    proposed_by: String,
    revisions: i64,
    amount: i64,
    hold_id: Option<i64>,
    review_secs: i64,
}

impl Row {
    /// Which side `user` is on; anyone else may not even know the deal exists.
    fn side_of(&self, user: i64) -> Result<Party, AppError> {
        if user == self.brand_id {
            Ok(Party::Brand)
        } else if user == self.creator_id {
            Ok(Party::Creator)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The user on the other side from `party`.
    fn other_than(&self, party: Party) -> i64 {
        match party {
            Party::Brand => self.creator_id,
            Party::Creator => self.brand_id,
        }
    }
}

fn state(s: &str) -> Result<DealState, AppError> {
    DealState::parse(s).ok_or_else(|| internal(format!("unknown deal state {s}")))
}

fn party(s: &str) -> Result<Party, AppError> {
    Party::parse(s).ok_or_else(|| internal(format!("unknown deal party {s}")))
}

async fn row(conn: &mut AnyConnection, id: i64) -> Result<Row, AppError> {
    sqlx::query_as(
        "SELECT state, brand_id, creator_id, campaign_id, proposed_by, revisions, amount, hold_id,
                review_secs
         FROM deals WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?
    .ok_or(AppError::NotFound)
}

/// Takes `step` on deal `id` for `user` (`None`: the platform's worker). `terms` come with a
/// counter-offer; `body` is the message, or the delivery's links.
pub async fn step(
    db: &Db,
    id: i64,
    user: Option<i64>,
    step: DealStep,
    terms: Option<&Terms>,
    body: &str,
    now: i64,
) -> Result<DealState, AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let to = step_in(&mut tx, id, user, step, terms, body, now).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(to)
}

/// [`step`] inside the caller's transaction (a card payment funding the escrow as it settles).
#[allow(clippy::too_many_arguments)]
pub async fn step_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    user: Option<i64>,
    step: DealStep,
    terms: Option<&Terms>,
    body: &str,
    now: i64,
) -> Result<DealState, AppError> {
    let deal = row(tx, id).await?;
    let (from, proposed_by) = (state(&deal.state)?, party(&deal.proposed_by)?);
    let revisions = deal.revisions.clamp(0, 1_000) as u32;
    let party = user.map(|u| deal.side_of(u)).transpose()?;
    let to = rules::next(from, step, party, proposed_by, revisions)?;
    let changed =
        sqlx::query("UPDATE deals SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
            .bind(to.as_str())
            .bind(now)
            .bind(id)
            .bind(deal.state.as_str())
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    if changed.rows_affected() == 0 {
        return Err(AppError::Conflict("the deal changed meanwhile".into()));
    }
    let key = |what: &str| format!("deal:{id}:{what}");
    let news = match step {
        DealStep::Counter => {
            let t = terms.ok_or_else(|| AppError::invalid("amount", Problem::Required))?;
            sqlx::query(
                "UPDATE deals SET amount = $1, deliverables = $2, due_at = $3, proposed_by = $4
                 WHERE id = $5",
            )
            .bind(t.amount.minor)
            .bind(&t.deliverables)
            .bind(t.due_at)
            .bind(party.map_or("brand", Party::as_str))
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            DealNews::Offer
        }
        DealStep::Accept => {
            if let Some(campaign) = deal.campaign_id {
                // A campaign for three creators never accepts a fourth, however many race.
                let room = sqlx::query(
                    "UPDATE campaigns SET accepted = accepted + 1
                     WHERE id = $1 AND accepted < creators_wanted",
                )
                .bind(campaign)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
                if room.rows_affected() == 0 {
                    return Err(AppError::Conflict(
                        "the campaign has all its creators".into(),
                    ));
                }
            }
            DealNews::Accepted
        }
        DealStep::Cancel => {
            if let (Some(campaign), DealState::Accepted) = (deal.campaign_id, from) {
                sqlx::query("UPDATE campaigns SET accepted = accepted - 1 WHERE id = $1")
                    .bind(campaign)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
            }
            DealNews::Cancelled
        }
        DealStep::Fund => {
            let escrow = NewTransfer {
                key: key("escrow"),
                debit: AccountRef::wallet(deal.brand_id, Currency::Eur),
                credit: AccountRef::earnings(deal.creator_id, Currency::Eur),
                amount: Money::eur(deal.amount),
                kind: TransferKind::Escrow,
                cause: key("escrow"),
                hold: Some(Hold { expires_at: None }),
            };
            let held = ledger::transfer(tx, &[escrow], now)
                .await
                .map_err(|e| match e {
                    LedgerError::InsufficientFunds { .. } => {
                        AppError::invalid("fund", Problem::InsufficientFunds)
                    }
                    other => internal(other),
                })?;
            sqlx::query("UPDATE deals SET hold_id = $1 WHERE id = $2")
                .bind(held[0].id)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            DealNews::Funded
        }
        DealStep::Deliver => {
            if body.trim().is_empty() && files_of(tx, id).await? == 0 {
                return Err(AppError::invalid("body", Problem::Required));
            }
            sqlx::query("UPDATE deals SET review_until = $1 WHERE id = $2")
                .bind(now + deal.review_secs)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            DealNews::Delivered
        }
        DealStep::Approve | DealStep::AutoRelease => {
            let hold = deal
                .hold_id
                .ok_or_else(|| internal("a delivered deal without escrow"))?;
            ledger::post(tx, hold, None, now).await.map_err(internal)?;
            if step == DealStep::Approve {
                DealNews::Approved
            } else {
                DealNews::AutoReleased
            }
        }
        DealStep::AskRevision => {
            sqlx::query(
                "UPDATE deals SET revisions = revisions + 1, review_until = NULL WHERE id = $1",
            )
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            DealNews::Revision
        }
        DealStep::Dispute => DealNews::Disputed,
    };
    write(tx, id, user, step.as_str(), body, terms, now).await?;
    if party == Some(Party::Creator) {
        crate::market::store::refresh_record(tx, deal.creator_id).await?;
    }
    // The other party hears of it; after an automatic release, both do.
    let from = user.unwrap_or(deal.brand_id);
    match party {
        Some(party) => tell(tx, deal.other_than(party), id, from, news, now).await?,
        None => {
            tell(tx, deal.creator_id, id, from, news, now).await?;
            tell(tx, deal.brand_id, id, deal.creator_id, news, now).await?;
        }
    }
    Ok(to)
}

/// What `user` must put in escrow to fund deal `id` now: its amount, if they are its brand and
/// it waits for funds; the same error as funding it otherwise.
pub async fn to_fund(db: &Db, id: i64, user: i64) -> Result<Money, AppError> {
    let mut conn = db.pool.acquire().await.map_err(db_err)?;
    let deal = row(&mut conn, id).await?;
    let party = deal.side_of(user)?;
    let revisions = deal.revisions.clamp(0, 1_000) as u32;
    let (from, proposed_by) = (state(&deal.state)?, self::party(&deal.proposed_by)?);
    rules::next(from, DealStep::Fund, Some(party), proposed_by, revisions)?;
    Ok(Money::eur(deal.amount))
}

/// An operator settles a disputed deal: the escrow goes to the creator, or back to the brand.
/// Guarded like every step: of two operators settling at once, one does.
pub async fn settle(
    db: &Db,
    id: i64,
    operator: i64,
    how: rules::Settlement,
    now: i64,
) -> Result<DealState, AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let deal = row(&mut tx, id).await?;
    let from = state(&deal.state)?;
    let to = rules::settle(from, how)?;
    let changed =
        sqlx::query("UPDATE deals SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
            .bind(to.as_str())
            .bind(now)
            .bind(id)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    if changed.rows_affected() == 0 {
        return Err(AppError::Conflict("the deal changed meanwhile".into()));
    }
    let hold = deal
        .hold_id
        .ok_or_else(|| internal("a disputed deal without escrow"))?;
    let (kind, news) = match how {
        rules::Settlement::Release => {
            ledger::post(&mut tx, hold, None, now)
                .await
                .map_err(internal)?;
            ("settle_release", DealNews::SettledRelease)
        }
        rules::Settlement::Refund => {
            ledger::void(&mut tx, hold, now).await.map_err(internal)?;
            ("settle_refund", DealNews::SettledRefund)
        }
    };
    write(&mut tx, id, Some(operator), kind, "", None, now).await?;
    tell(&mut tx, deal.creator_id, id, operator, news, now).await?;
    tell(&mut tx, deal.brand_id, id, operator, news, now).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(to)
}

/// Adds a plain message to the thread, from one of the parties.
pub async fn message(db: &Db, id: i64, user: i64, body: &str, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let deal = row(&mut tx, id).await?;
    let to = deal.other_than(deal.side_of(user)?);
    write(&mut tx, id, Some(user), "message", body, None, now).await?;
    if user == deal.creator_id {
        crate::market::store::refresh_record(&mut tx, user).await?;
    }
    tell(&mut tx, to, id, user, DealNews::Message, now).await?;
    tx.commit().await.map_err(db_err)
}

/// Releases every delivered deal whose review window ended by `now`; returns how many. A deal
/// approved at the same moment is released once: the loser of the race is skipped.
pub async fn release_due(db: &Db, now: i64) -> Result<u64, AppError> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM deals WHERE state = 'delivered' AND review_until <= $1 ORDER BY id LIMIT 500",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    let mut released = 0;
    for id in due {
        match step(db, id, None, DealStep::AutoRelease, None, "", now).await {
            Ok(_) => released += 1,
            Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(released)
}

#[derive(FromRow)]
struct DealRow {
    id: i64,
    campaign_id: Option<i64>,
    campaign_title: Option<String>,
    brand_name: String,
    creator_handle: String,
    creator_name: String,
    brand_id: i64,
    state: String,
    amount: i64,
    deliverables: String,
    proposed_by: String,
    revisions: i64,
    review_until: Option<i64>,
    due_at: i64,
}

#[derive(FromRow)]
struct MessageRow {
    author: Option<String>,
    kind: String,
    body: String,
    amount: Option<i64>,
    due_at: Option<i64>,
    created_at: i64,
}

/// One deal, for one of its two parties.
pub async fn get(db: &Db, id: i64, user: i64) -> Result<Deal, AppError> {
    let r: DealRow = sqlx::query_as(
        "SELECT d.id, d.campaign_id, c.title AS campaign_title, b.company_name AS brand_name,
                u.handle AS creator_handle, u.display_name AS creator_name, d.brand_id, d.state,
                d.amount, d.deliverables, d.proposed_by, d.revisions, d.review_until, d.due_at
         FROM deals d JOIN brands b ON b.user_id = d.brand_id
         JOIN users u ON u.id = d.creator_id
         LEFT JOIN campaigns c ON c.id = d.campaign_id
         WHERE d.id = $1 AND (d.brand_id = $2 OR d.creator_id = $2)",
    )
    .bind(id)
    .bind(user)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_err)?
    .ok_or(AppError::NotFound)?;
    let messages: Vec<MessageRow> = sqlx::query_as(
        "SELECT u.display_name AS author, m.kind, m.body, m.amount, m.due_at, m.created_at
         FROM deal_messages m LEFT JOIN users u ON u.id = m.author_id
         WHERE m.deal_id = $1 ORDER BY m.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    let ratings: Vec<(i64, i64)> =
        sqlx::query_as("SELECT rater_id, stars FROM deal_ratings WHERE deal_id = $1")
            .bind(id)
            .fetch_all(&db.pool)
            .await
            .map_err(db_err)?;
    let rating_by = |mine: bool| {
        ratings
            .iter()
            .find(|(rater, _)| (*rater == user) == mine)
            .and_then(|(_, stars)| Stars::from_stored(*stars))
    };
    let files: Vec<FileRow> = sqlx::query_as(
        "SELECT id, name, size, created_at FROM deal_files WHERE deal_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    Ok(Deal {
        id: r.id,
        files: files
            .into_iter()
            .map(|f| DealFile {
                id: f.id,
                deal: id,
                name: f.name,
                size: f.size.max(0) as u64,
                created_at: f.created_at,
            })
            .collect(),
        rating_given: rating_by(true),
        rating_received: rating_by(false),
        campaign: r.campaign_id.zip(r.campaign_title),
        brand_name: r.brand_name,
        creator_handle: r.creator_handle,
        creator_name: r.creator_name,
        viewer: if user == r.brand_id {
            Party::Brand
        } else {
            Party::Creator
        },
        state: state(&r.state)?,
        amount: Money::eur(r.amount),
        deliverables: r.deliverables,
        proposed_by: party(&r.proposed_by)?,
        revisions: r.revisions.clamp(0, 1_000) as u32,
        review_until: r.review_until,
        due_at: r.due_at,
        messages: messages
            .into_iter()
            .map(|m| DealMessage {
                author: m.author,
                kind: m.kind,
                body: m.body,
                amount: m.amount.map(Money::eur),
                due_at: m.due_at,
                created_at: m.created_at,
            })
            .collect(),
    })
}

#[derive(FromRow)]
struct FileRow {
    id: i64,
    name: String,
    size: i64,
    created_at: i64,
}

async fn files_of(conn: &mut AnyConnection, deal: i64) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM deal_files WHERE deal_id = $1")
        .bind(deal)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err)
}

/// Whether `user` may add a file of `size` bytes to `deal` now: only its creator, while the
/// work is in progress, within the deal's file count and the creator's storage quota. The
/// upload asks before storing anything, and asks again when it records the file.
pub async fn may_add_file(db: &Db, deal: i64, user: i64, size: u64) -> Result<(), AppError> {
    let mut conn = db.pool.acquire().await.map_err(db_err)?;
    check_file_room(&mut conn, deal, user, size).await
}

async fn check_file_room(
    conn: &mut AnyConnection,
    deal: i64,
    user: i64,
    size: u64,
) -> Result<(), AppError> {
    let d = row(&mut *conn, deal).await?;
    if d.side_of(user)? == Party::Brand {
        return Err(AppError::Forbidden);
    }
    if state(&d.state)? != DealState::Funded {
        return Err(AppError::Conflict(
            "files are added while the work is in progress".into(),
        ));
    }
    if files_of(&mut *conn, deal).await? >= rules::FILES_PER_DEAL {
        return Err(AppError::Conflict(format!(
            "a deal holds at most {} files",
            rules::FILES_PER_DEAL
        )));
    }
    let stored: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM deal_files WHERE uploader_id = $1",
    )
    .bind(user)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)?;
    if stored.saturating_add(size as i64) > rules::FILE_BYTES_PER_USER {
        return Err(AppError::invalid(
            "files",
            Problem::TooLarge {
                max_kib: (rules::FILE_BYTES_PER_USER / 1024) as u32,
            },
        ));
    }
    Ok(())
}

/// A file stored for a delivery, to be recorded on its deal.
pub struct NewFile {
    pub key: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

/// Records a file the creator uploaded to deliver: only theirs to add, only while the work is
/// in progress, at most `FILES_PER_DEAL` per deal.
pub async fn add_file(
    db: &Db,
    deal: i64,
    user: i64,
    file: &NewFile,
    now: i64,
) -> Result<DealFile, AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    check_file_room(&mut tx, deal, user, file.size).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO deal_files (deal_id, uploader_id, storage_key, name, content_type, size,
                                 created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(deal)
    .bind(user)
    .bind(&file.key)
    .bind(&file.name)
    .bind(&file.content_type)
    .bind(file.size as i64)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(DealFile {
        id,
        deal,
        name: file.name.clone(),
        size: file.size,
        created_at: now,
    })
}

/// Where a deal's file is stored, its name and type; only for the deal's two parties.
pub async fn file(
    db: &Db,
    deal: i64,
    user: i64,
    file: i64,
) -> Result<(String, String, String), AppError> {
    sqlx::query_as(
        "SELECT f.storage_key, f.name, f.content_type FROM deal_files f
         JOIN deals d ON d.id = f.deal_id
         WHERE f.id = $1 AND f.deal_id = $2 AND (d.brand_id = $3 OR d.creator_id = $3)",
    )
    .bind(file)
    .bind(deal)
    .bind(user)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_err)?
    .ok_or(AppError::NotFound)
}

/// Rates the other party of a completed deal; each party rates once. A creator's new average
/// is what search ranks them by from now on.
pub async fn rate(
    db: &Db,
    id: i64,
    user: i64,
    stars: Stars,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await.map_err(db_err)?;
    let deal = row(&mut tx, id).await?;
    let ratee = deal.other_than(deal.side_of(user)?);
    if state(&deal.state)? != DealState::Completed {
        return Err(AppError::Conflict(
            "a deal is rated once it is completed".into(),
        ));
    }
    let added = sqlx::query(
        "INSERT INTO deal_ratings (deal_id, rater_id, ratee_id, stars, comment, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(user)
    .bind(ratee)
    .bind(i64::from(stars.get()))
    .bind(comment)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if added.rows_affected() == 0 {
        return Err(AppError::Conflict("you already rated this deal".into()));
    }
    tell(&mut tx, ratee, id, user, DealNews::Rated, now).await?;
    if ratee == deal.creator_id {
        crate::market::store::refresh_record(&mut tx, ratee).await?;
    }
    tx.commit().await.map_err(db_err)
}

/// How `user` is rated and how quickly they answer in their deal threads (their latest 500
/// lines and what they answered).
pub async fn reputation(conn: &mut AnyConnection, user: i64) -> Result<Reputation, AppError> {
    let (sum, count): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(stars), 0) AS BIGINT), COUNT(*) FROM deal_ratings
         WHERE ratee_id = $1",
    )
    .bind(user)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut lines: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT m.deal_id, m.id, m.author_id, m.created_at
         FROM deal_messages m JOIN deals d ON d.id = m.deal_id
         WHERE (d.brand_id = $1 OR d.creator_id = $1) AND m.author_id IS NOT NULL
         ORDER BY m.id DESC LIMIT 500",
    )
    .bind(user)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    lines.sort_unstable();
    let thread: Vec<rules::Line> = lines
        .into_iter()
        .map(|(deal, _, author, at)| rules::Line {
            deal,
            mine: author == user,
            at,
        })
        .collect();
    let response = rules::median(rules::answer_delays(&thread));
    Ok(Reputation {
        rating_centi: (count > 0).then(|| (sum * 100 / count) as u32),
        ratings: count as u32,
        response_mins: response.map(|secs| (secs / 60) as u32),
        reviews: Vec::new(),
    })
}

#[derive(FromRow)]
struct ReviewRow {
    author: String,
    stars: i64,
    comment: String,
    created_at: i64,
}

/// `user`'s reputation with their latest reviews, for their public page.
pub async fn reputation_with_reviews(db: &Db, user: i64) -> Result<Reputation, AppError> {
    let mut conn = db.pool.acquire().await.map_err(db_err)?;
    let mut reputation = reputation(&mut conn, user).await?;
    let rows: Vec<ReviewRow> = sqlx::query_as(
        "SELECT COALESCE(b.company_name, u.display_name) AS author, r.stars, r.comment,
                r.created_at
         FROM deal_ratings r JOIN users u ON u.id = r.rater_id
         LEFT JOIN brands b ON b.user_id = r.rater_id
         WHERE r.ratee_id = $1 ORDER BY r.created_at DESC, r.deal_id DESC LIMIT 5",
    )
    .bind(user)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    reputation.reviews = rows
        .into_iter()
        .filter_map(|r| {
            Some(Review {
                author: r.author,
                stars: Stars::from_stored(r.stars)?,
                comment: r.comment,
                at: r.created_at,
            })
        })
        .collect();
    Ok(reputation)
}

#[derive(FromRow)]
struct LineRow {
    id: i64,
    brand_id: i64,
    brand_name: String,
    creator_name: String,
    campaign_title: Option<String>,
    state: String,
    amount: i64,
    due_at: i64,
    updated_at: i64,
}

/// The user's deals, latest activity first.
pub async fn inbox(db: &Db, user: i64) -> Result<Vec<DealLine>, AppError> {
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT d.id, d.brand_id, b.company_name AS brand_name, u.display_name AS creator_name,
                c.title AS campaign_title, d.state, d.amount, d.due_at, d.updated_at
         FROM deals d JOIN brands b ON b.user_id = d.brand_id
         JOIN users u ON u.id = d.creator_id
         LEFT JOIN campaigns c ON c.id = d.campaign_id
         WHERE d.brand_id = $1 OR d.creator_id = $1
         ORDER BY d.updated_at DESC, d.id DESC LIMIT 200",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    lines(rows, user)
}

/// Inbox lines as `user` sees them: named after the other party.
fn lines(rows: Vec<LineRow>, user: i64) -> Result<Vec<DealLine>, AppError> {
    rows.into_iter()
        .map(|r| {
            Ok(DealLine {
                id: r.id,
                counterpart: if r.brand_id == user {
                    r.creator_name
                } else {
                    r.brand_name
                },
                title: r.campaign_title.unwrap_or_default(),
                state: state(&r.state)?,
                amount: Money::eur(r.amount),
                due_at: r.due_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

#[derive(FromRow)]
struct DisputedRow {
    id: i64,
    brand_name: String,
    creator_name: String,
    amount: i64,
    updated_at: i64,
    reason: Option<String>,
}

/// Every disputed deal, oldest first, for the operators.
pub async fn disputed(db: &Db) -> Result<Vec<Disputed>, AppError> {
    let rows: Vec<DisputedRow> = sqlx::query_as(
        "SELECT d.id, b.company_name AS brand_name, u.display_name AS creator_name, d.amount,
                d.updated_at,
                (SELECT m.body FROM deal_messages m WHERE m.deal_id = d.id AND m.kind = 'dispute'
                 ORDER BY m.id DESC LIMIT 1) AS reason
         FROM deals d JOIN brands b ON b.user_id = d.brand_id
         JOIN users u ON u.id = d.creator_id
         WHERE d.state = 'disputed' ORDER BY d.updated_at, d.id LIMIT 200",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|r| Disputed {
            id: r.id,
            brand_name: r.brand_name,
            creator_name: r.creator_name,
            amount: Money::eur(r.amount),
            since: r.updated_at,
            reason: r.reason.unwrap_or_default(),
        })
        .collect())
}

#[derive(FromRow)]
struct ApplicantRow {
    campaign_id: i64,
    deal: i64,
    name: String,
    state: String,
    amount: i64,
}

#[derive(FromRow)]
struct CampaignRow {
    id: i64,
    title: String,
    state: String,
    creators_wanted: i64,
    accepted: i64,
    applied: i64,
}

#[derive(FromRow)]
struct ResultRow {
    handle: String,
    name: String,
    deals: i64,
    completed: i64,
    paid: i64,
    audience: i64,
    rating_centi: Option<i64>,
}

/// `user`'s deals at a glance, as `viewer` (the side their role puts them on).
pub async fn dashboard(db: &Db, user: i64, viewer: Party, now: i64) -> Result<Dashboard, AppError> {
    // The column is chosen from the enum, never from input.
    let side = match viewer {
        Party::Brand => "brand_id",
        Party::Creator => "creator_id",
    };
    let mut conn = db.pool.acquire().await.map_err(db_err)?;
    let counts: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT state, COUNT(*), CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM deals
         WHERE {side} = $1 GROUP BY state"
    ))
    .bind(user)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut by_state = Vec::new();
    let (mut paid, mut in_escrow) = (0, 0);
    for (s, count, amount) in counts {
        let s = state(&s)?;
        by_state.push((s, count as u32));
        match s {
            DealState::Completed => paid += amount,
            DealState::Funded | DealState::Delivered | DealState::Disputed => in_escrow += amount,
            _ => {}
        }
    }
    by_state.sort_by_key(|(s, _)| DealState::ALL.iter().position(|a| a == s));
    // Completed deals are not changed again, so their last update is when they were paid.
    let since = now - 366 * 86_400;
    let payments: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT updated_at, amount FROM deals
         WHERE {side} = $1 AND state = 'completed' AND updated_at >= $2"
    ))
    .bind(user)
    .bind(since)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let monthly = per_month(&payments, now, CHART_MONTHS);
    let under_way: Vec<LineRow> = sqlx::query_as(&format!(
        "SELECT d.id, d.brand_id, b.company_name AS brand_name, u.display_name AS creator_name,
                c.title AS campaign_title, d.state, d.amount, d.due_at, d.updated_at
         FROM deals d JOIN brands b ON b.user_id = d.brand_id
         JOIN users u ON u.id = d.creator_id
         LEFT JOIN campaigns c ON c.id = d.campaign_id
         WHERE d.{side} = $1 AND d.state IN ('accepted', 'funded', 'delivered')
         ORDER BY d.due_at, d.id LIMIT 10"
    ))
    .bind(user)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let upcoming = lines(under_way, user)?;
    let (campaigns, creators) = match viewer {
        Party::Brand => (
            campaign_applicants(&mut conn, user).await?,
            creator_results(&mut conn, user).await?,
        ),
        Party::Creator => (Vec::new(), Vec::new()),
    };
    Ok(Dashboard {
        viewer,
        now,
        by_state,
        monthly,
        paid: Money::eur(paid),
        in_escrow: Money::eur(in_escrow),
        upcoming,
        campaigns,
        creators,
    })
}

/// The brand's latest campaigns with their deals.
async fn campaign_applicants(
    conn: &mut AnyConnection,
    brand: i64,
) -> Result<Vec<CampaignApplicants>, AppError> {
    let campaigns: Vec<CampaignRow> = sqlx::query_as(
        "SELECT c.id, c.title, c.state, c.creators_wanted, c.accepted,
                (SELECT COUNT(*) FROM deals d WHERE d.campaign_id = c.id) AS applied
         FROM campaigns c WHERE c.brand_id = $1 ORDER BY c.id DESC LIMIT 10",
    )
    .bind(brand)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let applicants: Vec<ApplicantRow> = sqlx::query_as(
        "SELECT d.campaign_id, d.id AS deal, u.display_name AS name, d.state, d.amount
         FROM deals d JOIN users u ON u.id = d.creator_id
         WHERE d.brand_id = $1 AND d.campaign_id IS NOT NULL
         ORDER BY d.id DESC LIMIT 500",
    )
    .bind(brand)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    campaigns
        .into_iter()
        .map(|c| {
            Ok(CampaignApplicants {
                applicants: applicants
                    .iter()
                    .filter(|a| a.campaign_id == c.id)
                    .take(20)
                    .map(|a| {
                        Ok(Applicant {
                            deal: a.deal,
                            name: a.name.clone(),
                            state: state(&a.state)?,
                            amount: Money::eur(a.amount),
                        })
                    })
                    .collect::<Result<_, AppError>>()?,
                id: c.id,
                title: c.title,
                state: crate::campaigns::types::CampaignState::parse(&c.state)
                    .ok_or_else(|| internal(format!("unknown campaign state {}", c.state)))?,
                wanted: c.creators_wanted.max(0) as u32,
                accepted: c.accepted.max(0) as u32,
                applied: c.applied.max(0) as u32,
            })
        })
        .collect()
}

/// What the brand's deals came to with each creator, by amount paid.
async fn creator_results(
    conn: &mut AnyConnection,
    brand: i64,
) -> Result<Vec<CreatorResult>, AppError> {
    let rows: Vec<ResultRow> = sqlx::query_as(
        "SELECT u.handle, u.display_name AS name, COUNT(*) AS deals,
                SUM(CASE WHEN d.state = 'completed' THEN 1 ELSE 0 END) AS completed,
                CAST(SUM(CASE WHEN d.state = 'completed' THEN d.amount ELSE 0 END) AS BIGINT)
                    AS paid,
                (SELECT CAST(COALESCE(SUM(s.followers), 0) AS BIGINT) FROM social_accounts s
                 WHERE s.user_id = u.id) AS audience,
                (SELECT CAST(AVG(r.stars) * 100 AS BIGINT) FROM deal_ratings r
                 WHERE r.rater_id = $1 AND r.ratee_id = u.id) AS rating_centi
         FROM deals d JOIN users u ON u.id = d.creator_id
         WHERE d.brand_id = $1 AND d.state <> 'cancelled'
         GROUP BY u.id, u.handle, u.display_name
         ORDER BY paid DESC, deals DESC, u.handle LIMIT 20",
    )
    .bind(brand)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|r| CreatorResult {
            handle: r.handle,
            name: r.name,
            deals: r.deals as u32,
            completed: r.completed as u32,
            paid: Money::eur(r.paid),
            audience: r.audience.max(0) as u64,
            rating_centi: r.rating_centi.map(|c| c.clamp(0, 500) as u32),
        })
        .collect())
}
