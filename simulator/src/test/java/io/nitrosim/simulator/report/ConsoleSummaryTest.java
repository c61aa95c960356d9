package io.nitrosim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.simulator.results.ExpectationResult;
import io.nitrosim.simulator.results.RealTimeResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.SyntheticRun;

class ConsoleSummaryTest
{
    @Test
    void shouldPrintTheNetworkTableAlignedWithTheReportFigures()
    {
        final String text = ConsoleSummary.render(SyntheticRun.results());
        assertTrue(text.contains(
            "Network per instance (achieved vs the type's peak and baseline caps)\n"
            + "instance  dir  avg Gbps  peak cap Gbps  baseline cap Gbps  credits %   packets         bytes\n"
            + "--------------------------------------------------------------------------------------------\n"
            + "web-1     in      0.123         10.000              0.750      100.0   1234567     987654321\n"
            + "web-1     out     6.457         10.000              0.750        0.0  45678901  339000000123\n"
            + "db-1      in      6.457         10.000             10.000      100.0  45678901  339000000123\n"
            + "db-1      out     0.001         10.000             10.000      100.0      1000        500000\n"), text);
        assertTrue(text.contains(
            "EBS volume latency\n"
            + "volume   p50 ms  p99 ms  p99.9 ms  max ms\n"
            + "-----------------------------------------\n"
            + "data-1    0.512   1.988     4.250  12.500\n"), text);
        assertTrue(text.contains("web-1     (all)                         0                       5432"), text);
    }

    @Test
    void shouldEndWithAVerdictNamingTheFailedExpectation()
    {
        final StringWriter out = new StringWriter();
        ConsoleSummary.print(SyntheticRun.results(), new PrintWriter(out));
        assertTrue(out.toString().endsWith("\n1 of 3 expectations FAILED: volume data-1 p99 latency under 1 ms "
            + "(expected < 1.000 ms, actual 1.988 ms)\n"), out.toString());
        assertTrue(out.toString().contains("FAIL    volume data-1 p99 latency under 1 ms"));
    }

    @Test
    void shouldEndARealTimeRunWithOneLineSayingHowFarItFellBehindAndWhichAgentWasBusiest()
    {
        final String text = ConsoleSummary.render(SyntheticRun.realTimeResults());
        assertTrue(text.endsWith("\nReal time NOT KEPT: fell 812.5 ms behind the wall clock (allowed 100.0 ms), "
            + "real-time factor 0.123; busiest agent vcpu-i-0a1b2c3d4e5f60001-0 (web-1), busy 61.3 % of the wall "
            + "time.\n"), text);
        assertTrue(text.contains("Real time (wall clock)\n"
            + "kept pace                   FAIL\n"
            + "largest lag ms              812.500\n"
            + "allowed lag ms              100.000\n"
            + "time behind s (lag > 1 ms)  7.250\n"
            + "real-time factor            0.123\n"
            + "thread busy %               99.5\n"
            + "\n"
            + "Busiest agents (real time)\n"
            + "agent                               busy % of wall time\n"
            + "-------------------------------------------------------\n"
            + "vcpu-i-0a1b2c3d4e5f60001-0 (web-1)                 61.3\n"
            + "vpc-card-host0                                     30.5\n"), text);
        assertEquals(null, ConsoleSummary.paceVerdict(SyntheticRun.results()), "a virtual run has no pace line");

        final RunResults r = SyntheticRun.realTimeResults();
        final RunResults kept = new RunResults(r.scenario(), r.seed(), r.clockMode(), r.payloadMode(),
            r.simulatedSeconds(), r.simulatedSeconds(), new RealTimeResult(0.25, 0, 1.0, null, true, 12.5, List.of()),
            r.instances(), r.volumes(), r.streams(), r.fioJobs(), r.expectations());
        assertEquals("Real time kept: largest lag 0.3 ms (any lag allowed), real-time factor 1.000.",
            ConsoleSummary.paceVerdict(kept));
    }

    @Test
    void shouldSayWhenEverythingPassedOrNothingWasExpected()
    {
        final RunResults r = SyntheticRun.results();
        final RunResults passed = new RunResults(r.scenario(), r.seed(), r.clockMode(), r.payloadMode(),
            r.simulatedSeconds(), r.wallSeconds(), r.instances(), r.volumes(), r.streams(), r.fioJobs(),
            List.of(new ExpectationResult("a", true, "1", "1"), new ExpectationResult("b", true, "2", "2")));
        assertEquals("All 2 expectations passed.", ConsoleSummary.verdict(passed));
        final RunResults none = new RunResults("s", 1, "virtual", "full", 1, 1, null, null, null, null, null);
        assertEquals("No expectations.", ConsoleSummary.verdict(none));
        assertEquals("Run\n"
            + "scenario      s\n"
            + "seed          1\n"
            + "clock mode    virtual\n"
            + "payload mode  full\n"
            + "simulated s   1.000\n"
            + "wall s        1.000\n"
            + "expectations  none\n"
            + "\n"
            + "No expectations.\n", ConsoleSummary.render(none));
    }
}
