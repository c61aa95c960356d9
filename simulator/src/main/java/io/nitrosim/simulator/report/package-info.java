/**
 * Writers of a run's and an experiment's results: results.json, timeseries.csv, report.html (self-contained,
 * charts rendered with JFreeChart and embedded as PNG data URIs), experiment.csv/json/html, the console summary
 * table and the progress line. Every figure shown to a user is formatted by {@link io.nitrosim.simulator.report.Figures}
 * so the HTML, the console and results.json agree.
 */
package io.nitrosim.simulator.report;
