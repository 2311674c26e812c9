//! Smoke run on the national files.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t = std::time::Instant::now();
    let ds = omzien::Loader::new().load(["../shared/data/rivm-50090NED"])?;
    eprintln!(
        "loaded in {:?}: {} areas waves {:?} ages {:?}",
        t.elapsed(),
        ds.len(),
        ds.waves(),
        ds.age_groups()
    );
    let f = ds.figure(
        "GM0363".parse()?,
        omzien::Indicator::LONELY,
        omzien::Wave::new(2020),
        omzien::AgeGroup::ADULTS,
    )?;
    eprintln!("{f:?} {:?}", ds.area("GM0363".parse()?)?);
    eprintln!("{:?}", ds.search("den haag", 5));
    Ok(())
}
