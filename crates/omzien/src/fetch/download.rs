//! The download of one table: its info and properties checked, its area names, the figures
//! page by page, the boundaries and key figures of its map, and `metadata.json`; the folder
//! renamed into place only when its figures load.

use super::*;

/// Downloads what `req` asks into `req.out/TABLE`.
///
/// ```no_run
/// use omzien::fetch::{Request, Silent, fetch};
/// let got = fetch(&Request::new("50150NED", "data".as_ref()), &Silent)?;
/// let ds = omzien::Loader::new().load([&got.folder])?;
/// assert_eq!(ds.table(), Some("50150NED"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A [`FetchError`] naming the URL, page, row or file; what was downloaded stays in
/// `.TABLE.partial` for the next run.
pub fn fetch(req: &Request, progress: &dyn Progress) -> Result<Fetched, FetchError> {
    let id = req.table.to_ascii_uppercase();
    if !is_table_id(&id) {
        return Err(FetchError::BadId {
            given: req.table.clone(),
        });
    }
    let client = Client::new(req.retry);
    let base = format!("{}/{id}", req.odata.trim_end_matches('/'));

    let (infos, title, table) = table_info(&client, &base, &id, progress)?;
    let props_url = feed_url(&base, "DataProperties");
    let props = all_values(&client, &props_url, progress)?;
    check_properties(table, &title, &props)?;

    let target = req.out.join(table.id);
    crate::staged::refuse_existing(&target, req.force)?;
    let staged = StagedDir::resumable(&target)?;

    // Names and periods: small, downloaded whole each time.
    let names = area_names(&client, &base, table.id, progress)?;
    // A gemeente by name: the table's own names decide, by the rule of every other command.
    let mut req = req.clone();
    if let Some(text) = req.gemeente_text.take() {
        req.gemeente = Some(gemeente_named(&names, &text)?);
    }
    let req = &req;
    let periods: Vec<Value> = all_values(&client, &feed_url(&base, "Perioden"), progress)?
        .iter()
        .map(|p| json!({"key": text(p, "Key"), "title": text(p, "Title")}))
        .collect();

    let figures = download_figures(&client, &staged, req, table, &base, &infos, progress)?;
    let map = download_map(&client, &staged, req, table, progress)?;

    let metadata = json!({
        "table": table.id,
        "title": title,
        "classification": table.classification,
        "periods": periods,
        "modified": text(&infos, "Modified"),
        "rows": figures.rows,
        "declared_rows": figures.declared,
        "downloaded": crate::utc_timestamp(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        ),
        "source": figures.first,
        "filter": figures.filter,
        "boundaries": req.boundaries.then(|| boundaries_metadata(&map.pdok, &map.boundaries)),
        "population": map.population.as_ref().map(population_metadata),
        "areas": names,
    });
    let bytes = serde_json::to_vec_pretty(&metadata).map_err(|e| crate::FolderError {
        path: staged.path().join(crate::METADATA_FILE),
        source: std::io::Error::other(e),
    })?;
    staged.write_whole(crate::METADATA_FILE, &bytes)?;

    // The folder as the other commands will read it: the figures must load.
    Loader::new().load([staged.path()])?;
    let _ = std::fs::remove_dir_all(staged.path().join("pages"));
    let folder = staged.commit(req.force)?;
    let in_folder = |file: &Path| {
        folder
            .join(crate::BOUNDARIES_FOLDER)
            .join(file.file_name().unwrap_or_default())
    };
    Ok(Fetched {
        boundaries: map
            .boundaries
            .iter()
            .map(|(p, n)| (in_folder(p), *n))
            .collect(),
        population: map.population.map(|k| {
            (
                in_folder(Path::new(&key_figures_file(k.table.year))),
                k.areas,
            )
        }),
        table: table.id,
        title,
        rows: figures.rows,
        pages: figures.pages.files.len(),
        resumed_pages: figures.pages.resumed,
        names: names.len(),
        folder,
    })
}

/// The figures as downloaded: the pages, the rows written and a declared count that differs.
struct Figures {
    first: String,
    filter: Option<String>,
    pages: odata::Pages,
    rows: u64,
    declared: Option<u64>,
}

/// The figures, page by page, written as one file; a row count that differs from the table's
/// is refused unless `--accept-count` takes it.
fn download_figures(
    client: &Client,
    staged: &StagedDir,
    req: &Request,
    table: &'static crate::load::Table,
    base: &str,
    infos: &Value,
    progress: &dyn Progress,
) -> Result<Figures, FetchError> {
    let filter = req.filter();
    let first = figures_url(base, filter.as_deref());
    let total = if filter.is_none() {
        infos.get("RecordCount").and_then(Value::as_u64)
    } else {
        None
    };
    let pages = download_pages(client, staged, table, &first, total, progress)?;
    let rows = write_figures(staged, table, &pages.files)?;
    // A count that differs is said, never hidden: the pages stay for the next run, which
    // takes them as they are when asked.
    let declared = total.filter(|&expected| expected != rows);
    if let Some(expected) = declared {
        if !req.accept_count {
            return Err(FetchError::Count {
                url: first,
                expected,
                got: rows,
            });
        }
        progress.note(&format!(
            "{rows} rows downloaded where the table declares {expected}: taken as they are (--accept-count)"
        ));
    }
    Ok(Figures {
        first,
        filter,
        pages,
        rows,
        declared,
    })
}

/// What the map needs beside the figures: the boundaries of the table's classification and
/// the key figures of its year.
struct MapFiles {
    pdok: String,
    boundaries: Vec<(PathBuf, usize)>,
    population: Option<FetchedKeyFigures>,
}

fn download_map(
    client: &Client,
    staged: &StagedDir,
    req: &Request,
    table: &'static crate::load::Table,
    progress: &dyn Progress,
) -> Result<MapFiles, FetchError> {
    let pdok = req
        .pdok
        .clone()
        .unwrap_or_else(|| boundaries_service_at(table.classification, req.pdok_mirror.as_deref()));
    let mut boundaries = Vec::new();
    if req.boundaries {
        for level in req.boundary_levels() {
            boundaries.push(download_boundaries(
                client,
                staged,
                &pdok,
                level,
                table,
                req.gemeente,
                progress,
            )?);
        }
    }
    let population = if req.population {
        Some(key_figures(
            &req.key_figures_request(table, &staged.path().join(crate::BOUNDARIES_FOLDER)),
            progress,
        )?)
    } else {
        None
    };
    Ok(MapFiles {
        pdok,
        boundaries,
        population,
    })
}

/// A table's `TableInfos`, its title and its row of the tables omzien reads: refused when the service does
/// not have it or it is not of the series.
fn table_info(
    client: &Client,
    base: &str,
    id: &str,
    progress: &dyn Progress,
) -> Result<(Value, String, &'static crate::load::Table), FetchError> {
    let known = || TABLES.iter().map(|t| t.id).collect::<Vec<_>>().join(", ");
    let infos_url = feed_url(base, "TableInfos");
    let infos = match client.json(&infos_url, progress)? {
        Got::NotFound => {
            return Err(FetchError::UnknownTable {
                table: id.to_owned(),
                url: infos_url,
                known: known(),
            });
        }
        Got::Json(v) => first_value(&infos_url, &v)?,
    };
    let title = text(&infos, "Title").unwrap_or_default();
    let Some(table) = TABLES.iter().find(|t| t.id == id) else {
        return Err(FetchError::NotOfSeries {
            table: id.to_owned(),
            title,
            reason: format!("omzien reads {}", known()),
        });
    };
    Ok((infos, title, table))
}

/// The table's area names by code (`WijkenEnBuurten`: `Key`, `Title`).
pub(crate) fn area_names(
    client: &Client,
    base: &str,
    table: &str,
    progress: &dyn Progress,
) -> Result<Map<String, Value>, FetchError> {
    progress.start(&format!("{table} area names"), None);
    let areas_url = feed_url(base, "WijkenEnBuurten");
    let mut names: Map<String, Value> = Map::new();
    for a in all_values(client, &areas_url, progress)? {
        if let (Some(k), Some(t)) = (text(&a, "Key"), text(&a, "Title"))
            && k.parse::<AreaCode>().is_ok()
            && !t.is_empty()
        {
            names.insert(k, Value::String(t));
        }
        progress.advance(1);
    }
    progress.finish();
    Ok(names)
}

/// The gemeente a text names, by the table's own area names.
pub(crate) fn gemeente_named(
    names: &Map<String, Value>,
    text: &str,
) -> Result<GemeenteCode, FetchError> {
    let named: Vec<(AreaCode, String)> = names
        .iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?.to_owned())))
        .collect();
    crate::dataset::gemeente_of(named.as_slice(), text).map_err(FetchError::Gemeente)
}

/// The boundaries' part of `metadata.json`: the service and each file with its areas.
fn boundaries_metadata(service: &str, files: &[(PathBuf, usize)]) -> Value {
    json!({
        "source": service,
        "files": files.iter().map(|(p, n)| json!({
            "file": format!("{}/{}", crate::BOUNDARIES_FOLDER, p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()),
            "areas": n,
        })).collect::<Vec<_>>(),
    })
}

/// The key figures' part of `metadata.json`.
fn population_metadata(k: &FetchedKeyFigures) -> Value {
    json!({
        "table": k.table.id,
        "title": k.title,
        "year": k.table.year,
        "source": k.source,
        "file": format!("{}/{}", crate::BOUNDARIES_FOLDER, key_figures_file(k.table.year)),
        "areas": k.areas,
        "missing_columns": k.missing,
    })
}
