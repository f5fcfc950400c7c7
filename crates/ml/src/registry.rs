//! Every estimator by its scikit-learn class name, built from camelCase JSON parameters: what
//! the bindings call, so adding an estimator here is all it takes to reach JavaScript.
use crate::{Estimator, MlError, Result};
use serde::de::DeserializeOwned;

fn make<P: DeserializeOwned, E: Estimator + 'static>(name: &str, json: &str, new: fn(P) -> E) -> Result<Box<dyn Estimator>> {
    let json = if json.trim().is_empty() { "{}" } else { json };
    let params: P = serde_json::from_str(json).map_err(|e| MlError::new(name, format!("bad parameters: {e}")))?;
    Ok(Box::new(new(params)))
}

/// The names `create` knows, in the order the docs list them.
pub const NAMES: &[&str] = &[
    "LinearRegression",
    "Ridge",
    "Lasso",
    "LogisticRegression",
    "KNeighborsClassifier",
    "KNeighborsRegressor",
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "RandomForestClassifier",
    "RandomForestRegressor",
    "GaussianNB",
    "KMeans",
    "PCA",
    "StandardScaler",
    "MinMaxScaler",
];

/// A new, unfitted estimator `name` with `params_json` (`{}` or empty for the defaults).
pub fn create(name: &str, params_json: &str) -> Result<Box<dyn Estimator>> {
    use crate::{cluster, decomposition, forest, linear, logistic, naive_bayes, neighbors, preprocessing, tree};
    let j = params_json;
    match name {
        "LinearRegression" => make(name, j, linear::LinearRegression::new),
        "Ridge" => make(name, j, linear::Ridge::new),
        "Lasso" => make(name, j, linear::Lasso::new),
        "LogisticRegression" => make(name, j, logistic::LogisticRegression::new),
        "KNeighborsClassifier" => make(name, j, neighbors::KNeighborsClassifier::new),
        "KNeighborsRegressor" => make(name, j, neighbors::KNeighborsRegressor::new),
        "DecisionTreeClassifier" => make(name, j, tree::DecisionTreeClassifier::new),
        "DecisionTreeRegressor" => make(name, j, tree::DecisionTreeRegressor::new),
        "RandomForestClassifier" => make(name, j, forest::RandomForestClassifier::new),
        "RandomForestRegressor" => make(name, j, forest::RandomForestRegressor::new),
        "GaussianNB" => make(name, j, naive_bayes::GaussianNB::new),
        "KMeans" => make(name, j, cluster::KMeans::new),
        "PCA" => make(name, j, decomposition::PCA::new),
        "StandardScaler" => make(name, j, preprocessing::StandardScaler::new),
        "MinMaxScaler" => make(name, j, preprocessing::MinMaxScaler::new),
        _ => Err(MlError::new("ml", format!("no estimator named {name:?} (there are {})", NAMES.join(", ")))),
    }
}
