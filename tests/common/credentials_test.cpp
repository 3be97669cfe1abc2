// The one credential reader of harness and server: a secret file means one secret, and a file
// that could mean two is refused, naming it.
#include "common/credentials.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace kms {
namespace {

namespace fs = std::filesystem;

fs::path secret_file(const std::string& name, const std::string& content) {
    auto dir = fs::temp_directory_path() / ("kmsconf-credentials-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto p = dir / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
}

std::string error_of(const std::string& path) {
    try {
        read_secret_file(path);
    } catch (const CredentialsError& e) {
        return e.what();
    }
    return "";
}

TEST(Credentials, SecretFileIsItsOneNonEmptyLine) {
    EXPECT_EQ(read_secret_file(secret_file("plain", "s3cret").string()), "s3cret");
    EXPECT_EQ(read_secret_file(secret_file("newline", "s3cret\n").string()), "s3cret");
    EXPECT_EQ(read_secret_file(secret_file("crlf", "s3cret\r\n").string()), "s3cret");
    EXPECT_EQ(read_secret_file(secret_file("blanks", "\n  s3cret \n\n").string()), "s3cret");
}

TEST(Credentials, TwoLinesEmptyOrMissingFileIsAnErrorNamingTheFile) {
    auto two = secret_file("two-lines", "first\nsecond\n").string();
    EXPECT_NE(error_of(two).find(two), std::string::npos) << error_of(two);
    EXPECT_NE(error_of(two).find("more than one non-empty line"), std::string::npos) << error_of(two);
    auto empty = secret_file("empty", "\n \n").string();
    EXPECT_NE(error_of(empty).find("holds no secret"), std::string::npos) << error_of(empty);
    EXPECT_NE(error_of("/nonexistent/secret").find("cannot read --api-secret-file /nonexistent/secret"),
              std::string::npos);
}

TEST(Credentials, FlagsWinOverTheEnvironmentHalfByHalf) {
    ::setenv("EXOSCALE_API_KEY", "EXOenv", 1);
    ::setenv("EXOSCALE_API_SECRET", "env-secret", 1);
    auto from_env = resolve_credentials("", "");
    auto key_flag = resolve_credentials("EXOflag", "");
    auto file_flag = resolve_credentials("", secret_file("flag", "file-secret\n").string());
    auto env_off = resolve_credentials("", "", false);
    ::unsetenv("EXOSCALE_API_KEY");
    ::unsetenv("EXOSCALE_API_SECRET");
    ASSERT_TRUE(from_env && key_flag && file_flag);
    EXPECT_EQ(from_env->key, "EXOenv");
    EXPECT_EQ(from_env->secret, "env-secret");
    EXPECT_EQ(key_flag->key, "EXOflag");
    EXPECT_EQ(key_flag->secret, "env-secret");
    EXPECT_EQ(file_flag->secret, "file-secret");
    EXPECT_FALSE(env_off) << "the environment is read only when the caller allows it";
    EXPECT_FALSE(resolve_credentials("", ""));
    EXPECT_THROW(resolve_credentials("EXOonly", ""), CredentialsError);
    EXPECT_THROW(resolve_credentials("", secret_file("half", "x").string()), CredentialsError);
}

}  // namespace
}  // namespace kms
