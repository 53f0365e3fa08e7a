using Trailmap.Drafting.Draft;

namespace Trailmap.Drafting.Tests.Draft;

/// <summary>The survey check: RFC 4180 records, each with the header's field count; problems at their row, line and column.</summary>
public sealed class SurveyCsvTests
{
    private static string Problem(string text) => Should.Throw<DraftException>(() => SurveyCsv.Check("survey.csv", text)).Message;

    [Theory]
    [InlineData("respondent,pain\nr1,approvals\nr2,invoicing\n", 2)]
    [InlineData("respondent,pain\r\nr1,approvals\r\nr2,invoicing", 2)]
    // A quoted field may hold commas, doubled quotes and line breaks; blank lines are not answers.
    [InlineData("id,comment\n1,\"late, again\"\n\n2,\"she said \"\"never\"\"\"\n3,\"two\nlines\"\n", 3)]
    [InlineData("id,comment\n1,\n2,\"\"\n", 2)]
    public void Well_formed_answers_are_counted(string text, int answers) =>
        SurveyCsv.Check("survey.csv", text).ShouldBe(answers);

    [Fact]
    public void A_row_with_more_fields_than_the_header_names_its_row_and_line()
    {
        // Line 1 header, line 2 answer 1, line 3 answer 2, line 4 answer 3 with an unquoted comma: 3 fields, not 2.
        Problem("respondent,pain\nr1,approvals\nr2,invoicing\nr3,late, invoices\n")
            .ShouldBe("survey.csv:4:1: answer row 3: 3 fields where the header has 2; quote a field that holds a comma, and save the file with commas as separators");
    }

    [Fact]
    public void Lines_count_the_breaks_inside_quoted_fields_and_rows_do_not()
    {
        // Answer 1 spans lines 2 and 3; the blank line 4 is no answer; answer 2 on line 5 has 1 field.
        Problem("id,comment\r\n1,\"two\r\nlines\"\r\n\r\n2\r\n").ShouldStartWith("survey.csv:5:1: answer row 2: 1 fields where the header has 2");
    }

    [Fact]
    public void Semicolons_make_one_field_per_row_so_the_header_count_tells()
    {
        // A spreadsheet saved with semicolons: the header is one field, the first answer with a comma in it two.
        Problem("respondent;pain\nr1;approvals, mostly\n").ShouldStartWith("survey.csv:2:1: answer row 1: 2 fields where the header has 1");
    }

    [Fact]
    public void Stray_quotes_are_pointed_at()
    {
        // 'x"y': the quote is the 2nd character of line 2.
        Problem("a,b\nx\"y,2\n").ShouldStartWith("survey.csv:2:2: answer row 1: a quote inside an unquoted field");
        // '"x"y': the y after the closing quote is the 4th character.
        Problem("a,b\n1,2\n\"x\"y,2\n").ShouldStartWith("survey.csv:3:4: answer row 2: 'y' follows a closing quote");
        // The quote opening at line 2, column 3 ('1,"...') never closes: everything after it would be one field.
        Problem("a,b\n1,\"approvals\n2,x\n").ShouldStartWith("survey.csv:2:3: answer row 1: a quoted field opens here and never closes");
        Problem("a,\"b\n").ShouldStartWith("survey.csv:1:3: header row: a quoted field opens here");
    }

    [Fact]
    public void An_empty_survey_or_one_with_only_a_header_says_what_it_lacks()
    {
        Problem("").ShouldBe("survey.csv: the survey is empty; give a header row and one row per answer (CSV)");
        Problem("\n\n").ShouldStartWith("survey.csv: the survey is empty");
        Problem("respondent,pain\n").ShouldBe("survey.csv:1:1: the survey has a header row but no answers; add one row per answer below it");
    }

    [Fact]
    public void A_draft_input_checks_its_survey_and_the_journey_it_extends()
    {
        var badSurvey = new DraftInput { Brief = "b", Survey = ("s.csv", "a,b\n1\n") };
        Should.Throw<DraftException>(badSurvey.Check).Message.ShouldStartWith("s.csv:2:1: answer row 1: 1 fields where the header has 2");

        // Line 12 of the journey: a target that is not a target.
        var broken = "version: 1\nid: j\ntitle: J\nstages:\n  - id: a\n    name: A\n    kpis:\n      - id: k\n        name: K\n        type: count\n        event: E\n        target: lots\n";
        var badExtend = new DraftInput { Brief = "b", Extend = ("old.yaml", broken) };
        var message = Should.Throw<DraftException>(badExtend.Check).Message;
        message.ShouldStartWith("the journey to extend, old.yaml, has 1 error; fix it first");
        message.ShouldContain("The first: old.yaml:12:");
    }
}
