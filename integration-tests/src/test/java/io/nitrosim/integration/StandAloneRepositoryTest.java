package io.nitrosim.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The project stands alone: no source, doc or script points at files outside the repository (the design brief
 * and the shared facts it was started from), and every "docs/sources.md section N" a comment cites exists.
 */
class StandAloneRepositoryTest
{
    /** The brief and the shared reference file the project was started from; the project's own is docs/sources.md. */
    private static final Pattern OUTSIDE = Pattern.compile("\\.\\./shared|DESIGN\\.md|facts\\.md");
    private static final Pattern FACTS_SECTION = Pattern.compile("docs/sources\\.md section (\\d+)");

    @Test
    void shouldPointOnlyAtFilesInTheRepository() throws IOException
    {
        final Path root = repository();
        final List<String> offenders = new ArrayList<>();
        final String facts = Files.readString(root.resolve("docs/sources.md"), StandardCharsets.UTF_8);
        for (final Path file : sources(root))
        {
            final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++)
            {
                if (OUTSIDE.matcher(lines.get(i)).find())
                {
                    offenders.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
                final Matcher section = FACTS_SECTION.matcher(lines.get(i));
                while (section.find())
                {
                    if (!facts.contains("\n## " + section.group(1) + ". "))
                    {
                        offenders.add(root.relativize(file) + ":" + (i + 1) + ": no section " + section.group(1)
                            + " in docs/sources.md");
                    }
                }
            }
        }
        assertEquals(List.of(), offenders);
    }

    private static List<Path> sources(final Path root) throws IOException
    {
        try (Stream<Path> files = Files.walk(root))
        {
            final List<Path> list = files
                .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                .filter(p -> !p.getFileName().toString().equals("StandAloneRepositoryTest.java"))
                .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".md")
                    || p.toString().endsWith(".yaml") || p.toString().endsWith(".sh")
                    || p.toString().endsWith("pom.xml") || p.getFileName().toString().equals("nitro-sim"))
                .toList();
            assertTrue(list.size() > 100, "found the sources: " + list.size());
            return list;
        }
    }

    private static Path repository()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docs/sources.md")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("no docs/sources.md above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
