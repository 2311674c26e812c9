//! The core on its own, on the built-in synthetic demo (no files, no network): one figure, the
//! trend of every wijk, the areas high and rising, and a classified layer.
//!
//! ```text
//! cargo run -p omzien --example analyse
//! ```

use omzien::{AgeGroup, Indicator, LayerSpec, Level, RiskMode, RiskQuery, TrendQuery, Wave};

fn main() -> omzien::Result<()> {
    let ds = omzien::demo::dataset();
    let (first, last) = (Wave::new(2012), Wave::new(2020));

    // One figure: the gemeente's share of lonely adults.
    let gemeente = "GM9999".parse()?;
    let figure = ds.figure(gemeente, Indicator::LONELY, last, AgeGroup::ADULTS)?;
    let name = ds.area(gemeente)?.name.unwrap_or_default();
    println!("{name} ({gemeente}), {last}: {figure}% lonely (18+)");

    // The trend of every wijk from the first wave to the last.
    let q = TrendQuery::new(Indicator::LONELY, first, last).with_level(Level::Wijk);
    for t in q.run(&ds)? {
        let delta = t.delta.map_or("-".into(), |d| format!("{d:+.1}"));
        let direction = t.direction.map_or("-".into(), |d| d.to_string());
        println!(
            "  {} {first} {} -> {last} {}: {delta} pt ({direction})",
            t.area, t.from_figure, t.to_figure
        );
    }

    // Risk areas: among the highest quarter and risen more than the country since the first
    // wave, each for itself ("high" needs 10 areas by default; the demo has five wijken).
    for mode in [RiskMode::High, RiskMode::Rising] {
        let q = RiskQuery::new(Level::Wijk, Indicator::LONELY, last)
            .with_since(first)
            .with_mode(mode)
            .with_top_share(0.25)
            .with_min_areas(5);
        let risk = q.run(&ds)?;
        println!("{mode:?}: {} of {} wijken", risk.areas.len(), risk.ranked);
        for a in &risk.areas {
            let delta = a.delta.map_or("-".into(), |d| format!("{d:+.1}"));
            println!(
                "  {} {}: {:.1}% (rank {} of {}), change {delta} pt",
                a.area, a.name, a.value, a.rank, a.ranked
            );
        }
    }

    // A classified layer of the buurten: its classes and colours.
    let spec = LayerSpec::level(Indicator::LONELY, AgeGroup::ADULTS, Level::Buurt, last);
    let layer = ds.layer(&spec)?;
    let legend = layer.legend();
    println!(
        "{}: {} buurten in {} legend entries",
        legend.title,
        layer.areas().len(),
        legend.entries.len()
    );
    Ok(())
}
