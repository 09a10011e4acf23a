//! Maps without a tile server: country outlines that ship with the project
//! (`data/region.geojson`, Natural Earth) projected on the server into SVG, with the places
//! of the archive as markers. Works offline and under a CSP without scripts.

use serde_json::Value;
use std::sync::OnceLock;

/// The region drawn: Iran and its borders (degrees).
const WEST: f64 = 43.5;
const EAST: f64 = 63.8;
const SOUTH: f64 = 24.8;
const NORTH: f64 = 40.2;
pub const WIDTH: f64 = 640.0;

/// Equirectangular with the scale true at 32° N: good enough at this size, and simple.
fn scale() -> f64 {
    WIDTH / ((EAST - WEST) * 32f64.to_radians().cos())
}

pub fn height() -> f64 {
    (NORTH - SOUTH) * scale()
}

fn project(lon: f64, lat: f64) -> (f64, f64) {
    let k = scale();
    (
        (lon - WEST) * k * 32f64.to_radians().cos(),
        (NORTH - lat) * k,
    )
}

/// One country's outline as SVG path data.
pub struct Country {
    pub d: String,
    pub class: &'static str,
}

/// The outlines, projected once.
pub fn countries() -> &'static [Country] {
    static OUTLINES: OnceLock<Vec<Country>> = OnceLock::new();
    OUTLINES.get_or_init(|| {
        let data: Value = serde_json::from_str(include_str!("../data/region.geojson"))
            .expect("the bundled boundary data is GeoJSON");
        data["features"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let mut d = String::new();
                for polygon in f["geometry"]["coordinates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    for ring in polygon.as_array().into_iter().flatten() {
                        for (i, p) in ring.as_array().into_iter().flatten().enumerate() {
                            let (x, y) =
                                project(p[0].as_f64().unwrap_or(0.0), p[1].as_f64().unwrap_or(0.0));
                            d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
                        }
                        d.push('Z');
                    }
                }
                Country {
                    d,
                    class: if f["properties"]["name"] == "Iran" {
                        "home"
                    } else {
                        "other"
                    },
                }
            })
            .collect()
    })
}

/// A map ready for the template.
pub struct MapView {
    pub width: f64,
    pub height: f64,
    pub countries: &'static [Country],
    pub markers: Vec<Marker>,
    /// Names beside the markers (a few places); otherwise only in their tooltips.
    pub labelled: bool,
    pub caption: String,
}

/// A map of `markers`, or `None` when there is nothing to show.
pub fn map_of(markers: Vec<Marker>, caption: String) -> Option<MapView> {
    if markers.is_empty() {
        return None;
    }
    Some(MapView {
        width: WIDTH,
        height: height(),
        countries: countries(),
        labelled: markers.len() <= 6,
        markers,
        caption,
    })
}

/// A place on the map.
pub struct Marker {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub href: String,
    /// The site's kind, for its colour (prison, mass_grave, …).
    pub class: String,
}

/// The marker of a (visible) place record with a `point`, if it lies on the map.
pub fn marker(place: &Value, label: String, href: String) -> Option<Marker> {
    // A point may be plain, wrapped with its citations, or one of several conflicting values.
    let mut point = &place["point"];
    if let Some(first) = point.as_array().and_then(|a| a.first()) {
        point = first;
    }
    if point.get("value").is_some() {
        point = &point["value"];
    }
    let lat = point["lat"].as_f64()?;
    let lon = point["lon"].as_f64()?;
    if !(WEST..=EAST).contains(&lon) || !(SOUTH..=NORTH).contains(&lat) {
        return None;
    }
    let (x, y) = project(lon, lat);
    let class = rightsdoc_model::plain_str(&place["place_type"])
        .unwrap_or("place")
        .replace('_', "-");
    Some(Marker {
        x,
        y,
        label,
        href,
        class,
    })
}
