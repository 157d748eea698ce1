// Malformed microdata CSV (docs/population.md, "Microdata (CSV)"): the real binary, given a
// population directory with one thing wrong, exits 2 with one stderr line naming the file, the
// line and the column, and writes no output. Unusual but valid files (quoted or padded fields, CRLF,
// a BOM, comments, rows in any order) must keep running.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "malformed/malformed_support.hpp"

namespace povsim::malformed {
namespace {

using namespace std::string_literals;
using povsim::testing::TempDir;

// A small valid population: 3 households in 2 counties, 5 persons. Data rows are on lines 2, 3, ...
struct Files {
  std::string households =
      "household_id,county,region_type,lifted,relocated,weight,operating_income,industry_subsidy,"
      "industry_dependence,savings\n"
      "1,101,plateau,1,0,1,1000,0,none,100\n"
      "2,101,plateau,0,0,2.5,2000,600,medium,-50\n"
      "3,102,karst,1,1,1,0,0,,0\n";
  std::string persons =
      "person_id,household_id,age,sex,health,work,education,wage_income,unemployed\n"
      "10,1,40,male,healthy,migrant,primary,20000,0\n"
      "11,1,12,female,healthy,student,primary,0,0\n"
      "12,2,70,female,chronic,retired,none,0,0\n"
      "13,3,30,male,healthy,local_wage,junior_secondary,15000,1\n"
      "14,3,5,female,healthy,child,,0,0\n";
  std::string counties =
      "code,region_type,industry,resettlement_site\n"
      "101,plateau,2,0\n"
      "102,karst,0,1\n";
  bool with_counties = true;
};

// `text` with its one occurrence of `from` replaced by `to` (a test fails if there is none).
std::string sub(const std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' not in the test data";
  if (at == std::string::npos) return text;
  return text.substr(0, at) + to + text.substr(at + from.size());
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Runs a one-year simulation of the population in `dir` (or of the files given by `population`,
// extra arguments after it), writing dir/out.h5.
Outcome run_on(const TempDir& dir, const std::vector<std::string>& population) {
  std::vector<std::string> args{"run",
                                std::string(POVSIM_SOURCE_DIR) + "/scenarios/baseline.yaml",
                                "--out",
                                (dir.path / "out.h5").string(),
                                "--set",
                                "horizon.end=2021-12",
                                "--threads",
                                "1",
                                "--quiet",
                                "--no-progress"};
  args.push_back("--population");
  args.insert(args.end(), population.begin(), population.end());
  return run_povsim(args, dir.path);
}

Outcome run_files(const TempDir& dir, const Files& f) {
  write_text(dir.file("households.csv"), f.households);
  write_text(dir.file("persons.csv"), f.persons);
  if (f.with_counties) write_text(dir.file("counties.csv"), f.counties);
  return run_on(dir, {dir.path.string()});
}

// The contract: exit 2, one line naming `file` (households.csv, persons.csv or counties.csv) with
// its line and everything in `more`, no output.
void expect_bad(const Files& f, const std::string& file_line, std::initializer_list<std::string> more = {}) {
  const TempDir dir;
  const Outcome r = run_files(dir, f);
  expect_rejected(r, {(dir.path / file_line).string()}, (dir.path / "out.h5").string());
  for (const auto& s : more) EXPECT_NE(r.err.find(s), std::string::npos) << "missing '" << s << "' in: " << r.err;
}

void expect_good(const Files& f) {
  const TempDir dir;
  expect_runs(run_files(dir, f), (dir.path / "out.h5").string());
}

// ---- values that are not the column's type or range ----------------------------------------

TEST(MalformedMicrodata, NegativeAge) {
  Files f;
  f.persons = sub(f.persons, "11,1,12,", "11,1,-5,");
  expect_bad(f, "persons.csv:3", {"column age", "'-5'"});
}
TEST(MalformedMicrodata, FractionalAge) {
  Files f;
  f.persons = sub(f.persons, "11,1,12,", "11,1,40.7,");
  expect_bad(f, "persons.csv:3", {"column age", "'40.7'"});
}
TEST(MalformedMicrodata, NaNAge) {
  Files f;
  f.persons = sub(f.persons, "11,1,12,", "11,1,nan,");
  expect_bad(f, "persons.csv:3", {"column age", "'nan'"});
}
TEST(MalformedMicrodata, AgeAboveRange) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,300,");
  expect_bad(f, "persons.csv:4", {"column age", "'300'", "[0, 120]"});
}
TEST(MalformedMicrodata, AgeOverflowingSixtyFourBits) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,99999999999999999999999,");
  expect_bad(f, "persons.csv:4", {"column age"});
}
TEST(MalformedMicrodata, EmptyRequiredAge) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,,");
  expect_bad(f, "persons.csv:4", {"column age", "an empty field"});
}
TEST(MalformedMicrodata, HexadecimalAge) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,0x46,");
  expect_bad(f, "persons.csv:4", {"column age", "'0x46'"});
}
TEST(MalformedMicrodata, AgeWithInnerSpace) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,7 0,");
  expect_bad(f, "persons.csv:4", {"column age", "'7 0'"});
}
TEST(MalformedMicrodata, LiftedMinusOne) {
  Files f;
  f.households = sub(f.households, "2,101,plateau,0,", "2,101,plateau,-1,");
  expect_bad(f, "households.csv:3", {"column lifted", "'-1'"});
}
TEST(MalformedMicrodata, LiftedTwo) {
  Files f;
  f.households = sub(f.households, "2,101,plateau,0,", "2,101,plateau,2,");
  expect_bad(f, "households.csv:3", {"column lifted", "'2'"});
}
TEST(MalformedMicrodata, LiftedYes) {
  Files f;
  f.households = sub(f.households, "2,101,plateau,0,", "2,101,plateau,yes,");
  expect_bad(f, "households.csv:3", {"column lifted", "'yes'"});
}
TEST(MalformedMicrodata, FractionalHouseholdId) {
  Files f;
  f.households = sub(f.households, "\n2,101,", "\n0.5,101,");
  expect_bad(f, "households.csv:3", {"column household_id", "'0.5'"});
}
TEST(MalformedMicrodata, NegativeHouseholdId) {
  Files f;
  f.households = sub(f.households, "\n2,101,", "\n-2,101,");
  expect_bad(f, "households.csv:3", {"column household_id", "'-2'"});
}
TEST(MalformedMicrodata, PersonIdPastSignedSixtyFourBits) {
  Files f;
  f.persons = sub(f.persons, "\n13,3,", "\n9223372036854775808,3,");
  expect_bad(f, "persons.csv:5", {"column person_id", "'9223372036854775808'"});
}
TEST(MalformedMicrodata, NegativeCounty) {
  Files f;
  f.households = sub(f.households, "2,101,plateau", "2,-7,plateau");
  expect_bad(f, "households.csv:3", {"column county", "'-7'"});
}
TEST(MalformedMicrodata, UnknownRegionType) {
  Files f;
  f.households = sub(f.households, "3,102,karst", "3,102,Karst");
  expect_bad(f, "households.csv:4", {"column region_type", "'Karst'"});
}
TEST(MalformedMicrodata, UnknownSex) {
  Files f;
  f.persons = sub(f.persons, "40,male,", "40,m,");
  expect_bad(f, "persons.csv:2", {"column sex", "'m'"});
}
TEST(MalformedMicrodata, UnknownWork) {
  Files f;
  f.persons = sub(f.persons, "retired", "pensioner");
  expect_bad(f, "persons.csv:4", {"column work", "'pensioner'"});
}
TEST(MalformedMicrodata, ZeroWeight) {
  Files f;
  f.households = sub(f.households, ",0,2.5,", ",0,0,");
  expect_bad(f, "households.csv:3", {"column weight", "'0'"});
}
TEST(MalformedMicrodata, NegativeWeight) {
  Files f;
  f.households = sub(f.households, ",0,2.5,", ",0,-2.5,");
  expect_bad(f, "households.csv:3", {"column weight", "'-2.5'"});
}
TEST(MalformedMicrodata, NaNWeight) {
  Files f;
  f.households = sub(f.households, ",0,2.5,", ",0,NaN,");
  expect_bad(f, "households.csv:3", {"column weight", "'NaN'"});
}
TEST(MalformedMicrodata, InfiniteWeight) {
  Files f;
  f.households = sub(f.households, ",0,2.5,", ",0,inf,");
  expect_bad(f, "households.csv:3", {"column weight", "'inf'"});
}
TEST(MalformedMicrodata, WeightThatRoundsToZeroInFloat) {
  Files f;
  f.households = sub(f.households, ",0,2.5,", ",0,1e-40,");
  expect_bad(f, "households.csv:3", {"column weight", "'1e-40'"});
}
TEST(MalformedMicrodata, SavingsAboveRange) {
  Files f;
  f.households = sub(f.households, "medium,-50", "medium,1e10");
  expect_bad(f, "households.csv:3", {"column savings", "'1e10'"});
}
TEST(MalformedMicrodata, ResettlementSiteTwo) {
  Files f;
  f.counties = sub(f.counties, "102,karst,0,1", "102,karst,0,2");
  expect_bad(f, "counties.csv:3", {"column resettlement_site", "'2'"});
}
TEST(MalformedMicrodata, IndustryAboveRange) {
  Files f;
  f.counties = sub(f.counties, "101,plateau,2,0", "101,plateau,256,0");
  expect_bad(f, "counties.csv:2", {"column industry", "'256'"});
}

// ---- rules across a row, a table or the tables ---------------------------------------------

TEST(MalformedMicrodata, WageOfAStudent) {
  Files f;
  f.persons = sub(f.persons, "student,primary,0,0", "student,primary,3000,0");
  expect_bad(f, "persons.csv:3", {"column wage_income", "'3000'"});
}
TEST(MalformedMicrodata, UnemployedRetiree) {
  Files f;
  f.persons = sub(f.persons, "retired,none,0,0", "retired,none,0,1");
  expect_bad(f, "persons.csv:4", {"column unemployed"});
}
TEST(MalformedMicrodata, SubsidyWithoutDependence) {
  Files f;
  f.households = sub(f.households, "1000,0,none", "1000,500,none");
  expect_bad(f, "households.csv:2", {"column industry_subsidy", "'500'"});
}
TEST(MalformedMicrodata, RepeatedHouseholdId) {
  Files f;
  f.households = sub(f.households, "\n3,102,", "\n2,102,");
  expect_bad(f, "households.csv:4", {"column household_id", "'2'", "line 3"});
}
TEST(MalformedMicrodata, RepeatedPersonId) {
  Files f;
  f.persons = sub(f.persons, "\n14,3,", "\n13,3,");
  expect_bad(f, "persons.csv:6", {"column person_id", "'13'"});
}
TEST(MalformedMicrodata, PersonOfNoHousehold) {
  Files f;
  f.persons = sub(f.persons, "\n14,3,", "\n14,9,");
  expect_bad(f, "persons.csv:6", {"column household_id", "'9'"});
}
TEST(MalformedMicrodata, HouseholdWithoutPersons) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,female,chronic,retired,none,0,0\n", "");
  expect_bad(f, "households.csv:3", {"household 2 has no persons"});
}
TEST(MalformedMicrodata, HouseholdOfMoreThan255Persons) {
  Files f;
  for (int k = 0; k < 255; ++k) f.persons += std::to_string(100 + k) + ",3,30,male,healthy,farming,,0,0\n";
  expect_bad(f, "persons.csv:", {"has more than 255 persons"});
}
TEST(MalformedMicrodata, RepeatedCountyCode) {
  Files f;
  f.counties = sub(f.counties, "102,karst,0,1", "101,karst,0,1");
  expect_bad(f, "counties.csv:3", {"column code", "'101'"});
}
TEST(MalformedMicrodata, CountyNotInCountyTable) {
  Files f;
  f.households = sub(f.households, "3,102,karst", "3,103,karst");
  expect_bad(f, "households.csv:4", {"column county", "'103'"});
}
TEST(MalformedMicrodata, RegionUnlikeTheCountyTable) {
  Files f;
  f.households = sub(f.households, "3,102,karst", "3,102,plateau");
  expect_bad(f, "households.csv:4", {"column region_type", "counties.csv:3"});
}
TEST(MalformedMicrodata, RegionUnlikeTheCountysOtherHouseholds) {
  Files f;
  f.with_counties = false;
  f.households = sub(f.households, "2,101,plateau", "2,101,karst");
  expect_bad(f, "households.csv:3", {"column region_type", "line 2"});
}

// ---- the CSV itself ------------------------------------------------------------------------

TEST(MalformedMicrodata, UnknownColumn) {
  Files f;
  f.households = sub(f.households, ",weight,", ",wieght,");
  expect_bad(f, "households.csv:1", {"wieght", "did you mean weight"});
}
TEST(MalformedMicrodata, DuplicatedColumn) {
  Files f;
  f.counties = sub(f.counties, "resettlement_site\n", "code\n");
  expect_bad(f, "counties.csv:1", {"column code: duplicated"});
}
TEST(MalformedMicrodata, UnknownColumnWithoutSuggestion) {
  Files f;
  f.persons = sub(f.persons, ",sex,", ",gender,");
  expect_bad(f, "persons.csv:1", {"column gender: unknown column", "allowed columns"});
}
TEST(MalformedMicrodata, SexColumnMissing) {
  Files f;
  f.persons = "person_id,household_id,age,health,work\n10,1,40,healthy,farming\n11,1,12,healthy,student\n"
              "12,2,70,chronic,retired\n13,3,30,healthy,farming\n";
  expect_bad(f, "persons.csv:1", {"column sex: required column missing"});
}
TEST(MalformedMicrodata, TooFewFields) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,female,chronic,retired,none,0,0", "12,2,70,female,chronic,retired");
  expect_bad(f, "persons.csv:4", {"expected 9 fields", "got 6"});
}
TEST(MalformedMicrodata, TooManyFields) {
  Files f;
  f.counties = sub(f.counties, "101,plateau,2,0", "101,plateau,2,0,7");
  expect_bad(f, "counties.csv:2", {"expected 4 fields", "got 5"});
}
TEST(MalformedMicrodata, UnterminatedQuote) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,\"70,");
  expect_bad(f, "persons.csv:4", {"quoted field must end"});
}
TEST(MalformedMicrodata, QuotedNewlineStaysOneLine) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,\"7\n0\",");
  expect_bad(f, "persons.csv:4", {"quote"});
}
TEST(MalformedMicrodata, NulByteStaysOneLine) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,7\0"s + "0,");
  expect_bad(f, "persons.csv:4", {"column age", "\\x00"});
}
TEST(MalformedMicrodata, HugeValueIsCutInTheMessage) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2," + std::string(100000, '7') + ",");
  const TempDir dir;
  const Outcome r = run_files(dir, f);
  expect_rejected(r, {(dir.path / "persons.csv:4").string(), "column age", "..."}, (dir.path / "out.h5").string());
  EXPECT_LT(r.err.size(), 1100u);
}
TEST(MalformedMicrodata, QuoteInsideUnquotedField) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,7\"0,");
  expect_bad(f, "persons.csv:4", {"a quote inside an unquoted field"});
}
TEST(MalformedMicrodata, TextAfterClosingQuote) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,\"70\"x,");
  expect_bad(f, "persons.csv:4", {"expected a comma after the closing quote"});
}
TEST(MalformedMicrodata, EmptyFile) {
  Files f;
  f.counties = "";
  const TempDir dir;
  write_text(dir.file("households.csv"), f.households);
  write_text(dir.file("persons.csv"), f.persons);
  write_text(dir.file("counties.csv"), "");
  expect_rejected(run_on(dir, {dir.path.string()}), {(dir.path / "counties.csv:1").string(), "header"},
                  (dir.path / "out.h5").string());
}
TEST(MalformedMicrodata, HeaderOnly) {
  Files f;
  f.persons = "# nothing yet\nperson_id,household_id,age,sex,health,work\n\n";
  expect_bad(f, "persons.csv:2", {"no data rows"});
}
TEST(MalformedMicrodata, BinaryGarbage) {
  Files f;
  f.households = "\x89HDF\r\n\x1a\n\x00\x01\x02\xff\xfe"s;
  expect_bad(f, "households.csv:1", {"unknown column"});
}
TEST(MalformedMicrodata, PersonTableMissingFromTheDirectory) {
  const TempDir dir;
  write_text(dir.file("households.csv"), Files{}.households);
  expect_rejected(run_on(dir, {dir.path.string()}), {dir.path.string(), "persons.csv"}, (dir.path / "out.h5").string());
}
TEST(MalformedMicrodata, HouseholdTableIsADirectory) {
  const TempDir dir;
  std::filesystem::create_directory(dir.path / "households.csv");
  write_text(dir.file("persons.csv"), Files{}.persons);
  expect_rejected(run_on(dir, {dir.path.string()}), {(dir.path / "households.csv").string()},
                  (dir.path / "out.h5").string());
}
TEST(MalformedMicrodata, HouseholdCsvWithoutPersons) {
  const TempDir dir;
  write_text(dir.file("h.csv"), Files{}.households);
  expect_rejected(run_on(dir, {dir.file("h.csv")}), {dir.file("h.csv"), "--persons"}, (dir.path / "out.h5").string());
}
TEST(MalformedMicrodata, PersonsFileThatDoesNotExist) {
  const TempDir dir;
  write_text(dir.file("h.csv"), Files{}.households);
  expect_rejected(run_on(dir, {dir.file("h.csv"), "--persons", dir.file("nowhere.csv")}),
                  {dir.file("nowhere.csv"), "cannot read"}, (dir.path / "out.h5").string());
}
TEST(MalformedMicrodata, FileNameWithANewline) {
  const TempDir dir;
  write_text(dir.file("h\nx.csv"), Files{}.households);
  Files f;
  f.persons = sub(f.persons, "12,2,70,", "12,2,700,");
  write_text(dir.file("p\nx.csv"), f.persons);
  expect_rejected(run_on(dir, {dir.file("h\nx.csv"), "--persons", dir.file("p\nx.csv")}),
                  {"p\\x0ax.csv:4", "column age"}, (dir.path / "out.h5").string());
}

// ---- unusual but valid -------------------------------------------------------------------

TEST(MalformedMicrodata, ValidFilesRun) { expect_good(Files{}); }
TEST(MalformedMicrodata, ExampleMicrodataRuns) {
  const TempDir dir;
  expect_runs(run_on(dir, {std::string(POVSIM_SOURCE_DIR) + "/scenarios/populations/example_microdata"}),
              (dir.path / "out.h5").string());
}
TEST(MalformedMicrodata, QuotedFieldsRun) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,female,chronic,retired", "\"12\",\"2\",\"70\",\"female\",\"chronic\",\"retired\"");
  f.households = sub(f.households, "2,101,plateau", "\"2\" , \"101\",\"plateau\"");
  expect_good(f);
}
TEST(MalformedMicrodata, PaddedFieldsRun) {
  Files f;
  f.persons = sub(f.persons, "12,2,70,female,chronic,retired", "  12 ,\t2,70  , female,chronic ,retired");
  f.households = sub(f.households, "household_id,county", " household_id , county");
  expect_good(f);
}
TEST(MalformedMicrodata, CrlfBomCommentsAndBlankLinesRun) {
  Files f;
  f.households = "\xEF\xBB\xBF# a comment\r\n\r\n" + sub(f.households, "\n1,101", "\r\n\r\n# another\r\n1,101");
  expect_good(f);
}
TEST(MalformedMicrodata, RowsInAnyOrderRun) {
  Files f;
  f.persons = "person_id,household_id,age,sex,health,work,education,wage_income,unemployed\n"
              "14,3,5,female,healthy,child,,0,0\n"
              "12,2,70,female,chronic,retired,none,0,0\n"
              "11,1,12,female,healthy,student,primary,0,0\n"
              "13,3,30,male,healthy,local_wage,junior_secondary,15000,1\n"
              "10,1,40,male,healthy,migrant,primary,20000,0\n";
  expect_good(f);
}
TEST(MalformedMicrodata, TinyWeightRuns) {
  Files f;
  f.households = sub(f.households, ",0,2.5,", ",0,1e-4,");
  expect_good(f);
}
TEST(MalformedMicrodata, ExponentsNegativeZeroAndEmptyOptionalFieldsRun) {
  Files f;
  f.households = sub(f.households, "2,101,plateau,0,0,2.5,2000,600,medium,-50", "2,101,plateau,0,,2.5e0,2e3,6E2,medium,-0");
  expect_good(f);
}
TEST(MalformedMicrodata, LargeIdsRun) {
  Files f;
  f.persons = sub(f.persons, "\n13,3,", "\n9223372036854775807,3,");
  f.households = sub(f.households, "\n1,101,", "\n9223372036854775806,101,");
  f.persons = sub(f.persons, "10,1,", "10,9223372036854775806,");
  f.persons = sub(f.persons, "11,1,", "11,9223372036854775806,");
  expect_good(f);
}
TEST(MalformedMicrodata, WithoutCountyTableRuns) {
  Files f;
  f.with_counties = false;
  expect_good(f);
}

}  // namespace
}  // namespace povsim::malformed
