package io.nitrosim.simulator.report;

import java.util.List;

/**
 * A titled table shared by the HTML report and the console summary, so both show the same figures.
 *
 * @param id      HTML id.
 * @param title   caption.
 * @param headers column headers.
 * @param rows    rows of cells, each as long as {@code headers}.
 */
record Table(String id, String title, List<String> headers, List<List<Cell>> rows)
{
    Table
    {
        headers = List.copyOf(headers);
        rows = List.copyOf(rows);
        for (final List<Cell> row : rows)
        {
            if (row.size() != headers.size())
            {
                throw new IllegalStateException(id + ": row has " + row.size() + " cells for " + headers.size()
                    + " headers");
            }
        }
    }
}
