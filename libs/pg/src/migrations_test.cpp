#include "stocktracker/pg/migrations.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace st::pg {
namespace {

Migration make(int v, std::string sql) {
  Migration m{v, "000" + std::to_string(v) + "_m.sql", sql, sha256_hex(sql)};
  return m;
}

}  // namespace

TEST(Migrations, VersionComesFromTheFileName) {
  EXPECT_EQ(migration_version("0001_core.sql"), 1);
  EXPECT_EQ(migration_version("0042_add_index.sql"), 42);
  EXPECT_FALSE(migration_version("core.sql"));
  EXPECT_FALSE(migration_version("0001core.sql"));
  EXPECT_FALSE(migration_version("0000_zero.sql"));
  EXPECT_FALSE(migration_version("0001_core.txt"));
}

TEST(Migrations, Sha256MatchesTheStandardVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Migrations, PlansOnlyWhatIsNotApplied) {
  const std::vector<Migration> files = {make(1, "a"), make(2, "b"), make(3, "c")};
  auto plan = plan_migrations(files, {{1, sha256_hex("a")}});
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ((*plan)[0]->version, 2);
  EXPECT_EQ((*plan)[1]->version, 3);
  auto none = plan_migrations(files, {{1, sha256_hex("a")}, {2, sha256_hex("b")}, {3, sha256_hex("c")}});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(Migrations, RefusesAChangedAppliedMigration) {
  const std::vector<Migration> files = {make(1, "a changed"), make(2, "b")};
  auto plan = plan_migrations(files, {{1, sha256_hex("a")}});
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, Errc::kConflict);
  EXPECT_NE(plan.error().message.find("0001_m.sql was changed after it was applied"), std::string::npos);
}

TEST(Migrations, RefusesADatabaseAheadOfTheBuild) {
  const std::vector<Migration> files = {make(1, "a")};
  auto plan = plan_migrations(files, {{1, sha256_hex("a")}, {2, "x"}});
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("migration 2"), std::string::npos);
}

TEST(Migrations, LoadsTheProjectMigrationsInOrder) {
  const char* src = std::getenv("ST_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  auto files = load_migrations(std::filesystem::path(src) / "migrations");
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_GE(files->size(), 3u);
  for (std::size_t i = 0; i < files->size(); ++i) EXPECT_EQ((*files)[i].version, static_cast<int>(i + 1));
}

TEST(Migrations, RefusesDuplicateVersions) {
  const auto dir = std::filesystem::temp_directory_path() / "st_migrations_dup";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "0001_a.sql") << "SELECT 1;";
  std::ofstream(dir / "0001_b.sql") << "SELECT 2;";
  auto files = load_migrations(dir);
  EXPECT_FALSE(files);
  std::filesystem::remove_all(dir);
}

}  // namespace st::pg
