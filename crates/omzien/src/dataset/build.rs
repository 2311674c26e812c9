//! The dataset assembled from parsed files: every area, name and indicator (with each table's
//! own keys and extra columns), and every figure placed in its slice, two files that disagree
//! refused with both named.

use super::*;

/// Collects parsed files and merges them into a [`Dataset`].
#[derive(Debug, Default)]
pub(crate) struct DatasetBuilder {
    files: Vec<ParsedFile>,
}

impl DatasetBuilder {
    pub(crate) fn add(&mut self, file: ParsedFile) {
        self.files.push(file);
    }

    /// Merges the files: every area, name and indicator (with each table's own keys and
    /// extra columns), and every figure in its slice, refusing two files that disagree.
    pub(crate) fn finish(
        self,
        classification_year: Option<u16>,
        sources: Vec<PathBuf>,
        synthetic: bool,
    ) -> Result<Dataset, LoadError> {
        let files = self.files;
        let mut indicators: Vec<IndicatorInfo> =
            Indicator::schema().filter_map(Indicator::info).collect();
        own_names(&files, &mut indicators);
        let Found {
            codes,
            mut names,
            extra_ids,
        } = found(&files, &mut indicators)?;
        let areas: Vec<AreaCode> = codes.into_iter().collect();
        let index: HashMap<AreaCode, u32> = areas
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u32))
            .collect();
        let n = areas.len();
        let slices = place_figures(&files, &index, n, &extra_ids, &indicators)?;
        let mut children = vec![Vec::new(); n];
        for (i, c) in areas.iter().enumerate() {
            if let Some(p) = c.parent().and_then(|p| index.get(&p)) {
                children[*p as usize].push(i as u32);
            }
        }
        let level_ranges = Level::ALL.map(|l| {
            let start = areas.partition_point(|c| c.level() < l) as u32;
            let end = areas.partition_point(|c| c.level() <= l) as u32;
            start..end
        });
        let waves: BTreeSet<Wave> = slices.iter().map(|(k, _)| k.wave).collect();
        let ages: BTreeSet<AgeGroup> = slices.iter().map(|(k, _)| k.age).collect();
        let level_areas = level_ranges
            .clone()
            .map(|r| Arc::from(&areas[r.start as usize..r.end as usize]));
        Ok(Dataset {
            classification_year,
            table: None,
            synthetic,
            sources,
            level_areas,
            names: areas.iter().map(|c| names.remove(c)).collect(),
            areas,
            index,
            children,
            level_ranges,
            indicators,
            waves: waves.into_iter().collect(),
            ages: ages.into_iter().collect(),
            slices: slices.into_iter().collect(),
        })
    }
}

/// Each table's own key and label of a schema indicator (the first file's), for display.
fn own_names(files: &[ParsedFile], indicators: &mut [IndicatorInfo]) {
    let mut renamed = BTreeSet::new();
    for (ind, own) in files.iter().flat_map(|f| &f.own) {
        let Some(info) = indicators.iter_mut().find(|i| i.indicator == *ind) else {
            continue;
        };
        if !renamed.insert(*ind) {
            continue;
        }
        match own {
            crate::load::table::OwnName::Key(key, label) => {
                info.key.clone_from(key);
                if let Some(label) = label {
                    (*label).clone_into(&mut info.label_nl);
                }
            }
            crate::load::table::OwnName::Label(label) => info.label_nl.clone_from(label),
        }
    }
}

/// The areas, names and extra columns of a set of files.
struct Found {
    codes: BTreeSet<AreaCode>,
    names: HashMap<AreaCode, String>,
    /// Each extra column's indicator and its place among the dataset's indicators.
    extra_ids: HashMap<String, (Indicator, usize)>,
}

/// Every area and name the files carry, and their extra columns as indicators (appended to
/// `indicators`).
fn found(files: &[ParsedFile], indicators: &mut Vec<IndicatorInfo>) -> Result<Found, LoadError> {
    let mut codes = BTreeSet::new();
    let mut names: HashMap<AreaCode, String> = HashMap::new();
    // Extra columns: their indicator and their place among the dataset's indicators.
    let mut extra_ids: HashMap<String, (Indicator, usize)> = HashMap::new();
    for f in files {
        for row in &f.rows {
            codes.insert(row.code);
            if let Some(n) = &row.area_name {
                names
                    .entry(row.code)
                    .or_insert_with(|| repair_mojibake(n).into_owned());
            }
            if let Some(g) = &row.gemeente_name {
                let owner = match row.code {
                    AreaCode::Country(_) => Some(row.code),
                    other => other.gemeente().map(AreaCode::Gemeente),
                };
                if let Some(o) = owner {
                    names
                        .entry(o)
                        .or_insert_with(|| repair_mojibake(g).into_owned());
                }
            }
        }
        for (target, _) in &f.columns {
            if let Target::Extra { key } = target
                && !extra_ids.contains_key(key)
            {
                let ind = Indicator::extra(key).ok_or_else(|| LoadError::ExtraKeyTooLong {
                    path: f.path.clone(),
                    key: key.clone(),
                    max: MAX_EXTRA_KEY,
                })?;
                extra_ids.insert(key.clone(), (ind, indicators.len()));
                indicators.push(IndicatorInfo {
                    indicator: ind,
                    key: key.clone(),
                    label_nl: key.clone(),
                    label_en: key.clone(),
                    unit: Unit::Number,
                    polarity: crate::Polarity::Neither,
                    loneliness: false,
                });
            }
        }
    }
    Ok(Found {
        codes,
        names,
        extra_ids,
    })
}

/// Every figure of the files in its slice (wave, age group, margin) and column, each area's
/// first file noted; two files that give one figure two values are refused, both named.
fn place_figures(
    files: &[ParsedFile],
    index: &HashMap<AreaCode, u32>,
    n: usize,
    extra_ids: &HashMap<String, (Indicator, usize)>,
    indicators: &[IndicatorInfo],
) -> Result<Vec<(SliceKey, Slice)>, LoadError> {
    let n_ind = indicators.len();
    let mut slice_ids: HashMap<SliceKey, usize> = HashMap::new();
    let mut slices: Vec<(SliceKey, Slice)> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        // Where each row of this file goes.
        let mut place = Vec::with_capacity(f.rows.len());
        let mut overlaps = Vec::with_capacity(f.rows.len());
        for row in &f.rows {
            let key = SliceKey {
                wave: row.wave,
                age: row.age,
                margin: row.margin,
            };
            let sid = *slice_ids.entry(key).or_insert_with(|| {
                slices.push((
                    key,
                    Slice {
                        columns: vec![Vec::new(); n_ind],
                        origin: vec![u32::MAX; n],
                    },
                ));
                slices.len() - 1
            });
            let ai = index[&row.code] as usize;
            let origin = &mut slices[sid].1.origin[ai];
            overlaps.push(*origin);
            if *origin == u32::MAX {
                *origin = fi as u32;
            }
            place.push((sid, ai));
        }
        for (target, figs) in &f.columns {
            let column = match target {
                Target::Schema(i) => i.index(),
                Target::Extra { key } => extra_ids[key].1,
            };
            for (r, (&(sid, ai), &fig)) in place.iter().zip(figs).enumerate() {
                let col = &mut slices[sid].1.columns[column];
                if col.is_empty() {
                    *col = vec![None; n];
                }
                match col[ai] {
                    None => col[ai] = Some(fig),
                    Some(old) if old == fig => {}
                    Some(old) => {
                        let row = &f.rows[r];
                        let first = overlaps[r];
                        let first_path = files
                            .get(first as usize)
                            .map_or_else(|| f.path.clone(), |x| x.path.clone());
                        return Err(LoadError::Conflict(Box::new(
                            crate::load::error::Conflict {
                                code: row.code,
                                indicator: indicators[column].key.clone(),
                                wave: row.wave,
                                age: row.age,
                                first: first_path,
                                first_value: figure_text(old),
                                second: f.path.clone(),
                                second_value: figure_text(fig),
                            },
                        )));
                    }
                }
            }
        }
    }
    Ok(slices)
}

fn figure_text(f: Figure) -> String {
    match f {
        Figure::Value(v) => v.to_string(),
        Figure::Suppressed => "\".\" (suppressed)".to_owned(),
        Figure::NotMeasured => "empty (not measured)".to_owned(),
    }
}
