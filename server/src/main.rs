//! `tremplin`: one binary for the whole product.

use clap::{Parser, Subcommand};
use server::config::Config;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tremplin",
    about = "Tremplin: brands, creators, shops and paid live events"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the site.
    Serve,
    /// Create or update the database schema.
    Migrate,
    /// Load the demo fans, creators and brands (running it twice changes nothing).
    DemoData {
        /// How many generated creators to list on the marketplace besides the named ones
        /// (100000 for a large data set).
        #[arg(long, default_value_t = 300)]
        crowd: usize,
    },
    /// Let an account see and settle payouts, or stop it.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// Check or export the money ledger.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Replay the journal, recompute every balance, check the hash chain and the invariants;
    /// list every problem and exit with status 1 if there is one. Prints the journal's head:
    /// keep it outside the database and pass it back later as `--anchor`.
    Verify {
        /// An entry recorded by an earlier verify (`SEQ:HASH`): the journal must still hold it.
        #[arg(long)]
        anchor: Option<app::ledger::store::Anchor>,
    },
    /// Write the journal to standard output.
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
    },
}

#[derive(Subcommand)]
enum OperatorCommand {
    Grant { email: String },
    Revoke { email: String },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Jsonl,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let _ = dotenvy::dotenv();
    server::telemetry::init_logging();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("invalid configuration: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(cli.command, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Migrate => {
            server::open_db(&config).await?;
            tracing::info!("database is up to date");
        }
        Command::DemoData { crowd } => {
            config.demo_data_allowed()?;
            // Loading streams nothing: any free port, so it runs beside a serving instance.
            let mut config = config.clone();
            if let server::config::Media::Embedded(media) = &mut config.media {
                media.udp.set_port(0);
            }
            let state = server::state(&config).await?;
            server::demo::load(&state, crowd).await?;
            // The command's output for the person running it, not a log line.
            #[allow(clippy::print_stdout)]
            {
                println!("Demo accounts (email, password):");
                for line in server::demo::logins() {
                    println!("  {line}");
                }
            }
        }
        Command::Operator { command } => {
            let db = server::open_db(&config).await?;
            let (email, operator) = match command {
                OperatorCommand::Grant { email } => (email, true),
                OperatorCommand::Revoke { email } => (email, false),
            };
            app::accounts::store::set_operator(&db, &email, operator)
                .await
                .map_err(|e| anyhow::anyhow!("{email}: {e}"))?;
            tracing::info!(email, operator, "operator role updated");
        }
        Command::Ledger { command } => {
            let db = server::open_db(&config).await?;
            ledger(command, &db).await?;
        }
        Command::Serve => {
            let state = server::state(&config).await?;
            server::serve(&config, state, |addr| {
                tracing::info!("Tremplin is listening on http://{addr}");
            })
            .await?;
        }
    }
    Ok(())
}

/// What these commands print is their output, not a log.
#[allow(clippy::print_stdout)]
async fn ledger(command: LedgerCommand, db: &app::ssr::Db) -> anyhow::Result<()> {
    use app::ledger::store;
    match command {
        LedgerCommand::Verify { anchor } => {
            let report = store::verify_anchored(db, anchor.as_ref()).await?;
            println!(
                "{} journal entries, {} transfers, {} accounts",
                report.entries, report.transfers, report.accounts
            );
            println!("head: {} (record it outside this database)", report.head);
            if !report.problems.is_empty() {
                for problem in &report.problems {
                    println!("PROBLEM {problem}");
                }
                anyhow::bail!("the ledger has {} problem(s)", report.problems.len());
            }
            println!("ledger OK: the chain is intact, balances match, accounts sum to zero");
        }
        LedgerCommand::Export { format } => {
            let format = match format {
                ExportFormat::Csv => store::ExportFormat::Csv,
                ExportFormat::Jsonl => store::ExportFormat::JsonLines,
            };
            let mut out = std::io::BufWriter::new(std::io::stdout());
            store::export(db, format, &mut out).await?;
            std::io::Write::flush(&mut out)?;
        }
    }
    Ok(())
}
