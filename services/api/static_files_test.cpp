#include "static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace st::api::web {
namespace {

namespace fs = std::filesystem;

TEST(SafeRelativePath, NamesFilesBelowTheRoot) {
  EXPECT_EQ(safe_relative_path("/"), "index.html");
  EXPECT_EQ(safe_relative_path("/index.html"), "index.html");
  EXPECT_EQ(safe_relative_path("/assets/index-3f9a.js"), "assets/index-3f9a.js");
  EXPECT_EQ(safe_relative_path("//assets///x.css"), "assets/x.css");  // empty segments collapse
  EXPECT_EQ(safe_relative_path("/alerts"), "alerts");
}

TEST(SafeRelativePath, RefusesTraversalDotfilesAndOddBytes) {
  for (const std::string_view bad : {"/..", "/../etc/passwd", "/assets/../../etc/passwd", "/a/./b", "/.",
                                     "/.env", "/assets/.git/config", "/..%2f", "/a\\..\\b", "/C:/x",
                                     "relative/path", ""}) {
    EXPECT_EQ(safe_relative_path(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(safe_relative_path(std::string_view("/a\0b", 4)), std::nullopt);
  EXPECT_EQ(safe_relative_path("/a\nb"), std::nullopt);
  EXPECT_EQ(safe_relative_path("/" + std::string(1100, 'a')), std::nullopt);
}

TEST(StaticFiles, ReservedPathsStayWithTheApi) {
  for (const std::string_view p : {"/api", "/api/", "/api/nothing", "/ws", "/healthz", "/readyz", "/metrics"}) {
    EXPECT_TRUE(is_reserved_path(p)) << p;
  }
  for (const std::string_view p : {"/", "/apiary", "/wsx", "/alerts", "/assets/a.js"}) {
    EXPECT_FALSE(is_reserved_path(p)) << p;
  }
}

TEST(StaticFiles, AppRoutesHaveNoExtension) {
  EXPECT_TRUE(is_app_route("alerts"));
  EXPECT_TRUE(is_app_route("settings/profile"));
  EXPECT_FALSE(is_app_route("assets/missing.js"));
  EXPECT_FALSE(is_app_route("favicon.ico"));
}

TEST(StaticFiles, ContentTypesAndCaching) {
  EXPECT_EQ(content_type_of("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_of("assets/index-1.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_of("assets/index-1.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_of("assets/font.woff2"), "font/woff2");
  EXPECT_EQ(content_type_of("logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_of("LICENSE"), "application/octet-stream");
  EXPECT_EQ(cache_control_of("assets/index-1.js"), "public, max-age=31536000, immutable");
  EXPECT_EQ(cache_control_of("index.html"), "no-cache");
}

/// A throwaway web root with index.html, one asset, a secret beside the
/// root and a symbolic link that points at it.
class WebRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("st-webroot-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "dist" / "assets");
    write(base_ / "dist" / "index.html", "<!doctype html><title>app</title>");
    write(base_ / "dist" / "assets" / "app-1.js", "console.log(1)");
    write(base_ / "secret.txt", "do not serve");
    fs::create_symlink(base_ / "secret.txt", base_ / "dist" / "leak.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& p, std::string_view text) { std::ofstream(p) << text; }

  fs::path base_;
};

TEST_F(WebRootTest, ServesFilesWithTypeAndCacheHeaders) {
  const WebRoot root((base_ / "dist").string());
  auto js = root.serve("/assets/app-1.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  ASSERT_FALSE(js->headers.empty());
  EXPECT_EQ(js->headers[0].second, "public, max-age=31536000, immutable");

  auto index = root.serve("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->body, "<!doctype html><title>app</title>");
  bool has_csp = false;
  for (const auto& [k, v] : index->headers) has_csp = has_csp || k == "Content-Security-Policy";
  EXPECT_TRUE(has_csp);
}

TEST_F(WebRootTest, AppRoutesGetIndexAndMissingAssetsDoNot) {
  const WebRoot root((base_ / "dist/").string());  // a trailing slash changes nothing
  auto route = root.serve("/notifications");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->body, "<!doctype html><title>app</title>");
  EXPECT_FALSE(root.serve("/assets/missing-2.js"));
}

TEST_F(WebRootTest, NeverLeavesTheRoot) {
  const WebRoot root((base_ / "dist").string());
  EXPECT_FALSE(root.serve("/../secret.txt"));
  EXPECT_FALSE(root.serve("/assets/../../secret.txt"));
  EXPECT_FALSE(root.serve("/leak.txt"));  // a symbolic link out of the root
  auto dir = root.serve("/assets");       // a directory is an app route, not a listing
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->body, "<!doctype html><title>app</title>");
}

TEST_F(WebRootTest, AnUnbuiltDashboardSaysHowToBuildIt) {
  const WebRoot root((base_ / "missing").string());
  auto answer = root.serve("/");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 404);
  EXPECT_NE(answer->body.find("npm run build"), std::string::npos);
  EXPECT_FALSE(root.serve("/assets/app-1.js"));
}

}  // namespace
}  // namespace st::api::web
