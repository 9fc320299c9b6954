//! `tremplin`: one binary for the whole product.

use clap::{Parser, Subcommand};
use server::config::Config;

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
    DemoData,
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
        Command::DemoData => {
            let state = server::state(&config).await?;
            server::demo::load(&state).await?;
            // The command's output for the person running it, not a log line.
            #[allow(clippy::print_stdout)]
            {
                println!("Demo accounts (email, password):");
                for line in server::demo::logins() {
                    println!("  {line}");
                }
            }
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
