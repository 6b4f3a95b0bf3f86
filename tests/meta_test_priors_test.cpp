// User priors (--prior FILE): the file's statements and their errors, the probabilities they give, the pool's
// draws following them, and searches that start from the default and are drawn towards the belief.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "basics/error.h"
#include "graphs/spaces/grammar/grammar_space.h"
#include "graphs/spaces/jahs/jahs_space.h"
#include "graphs/spaces/nb201/nb201_space.h"
#include "graphs/spaces/search_space_factory.h"
#include "meta_test/methods/prior_band_sampler.h"
#include "meta_test/priors/configuration_prior.h"
#include "meta_test/search/candidate_pool.h"
#include "meta_test/search/search_loop.h"
#include "tests/run_files.h"
#include "tests/shared_data.h"
#include "tests/synthetic_table.h"

namespace tnas {
namespace {
namespace fs = std::filesystem;

const char* kAllConvolutions =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";

std::string write_prior(const std::string& name, const std::string& text) {
  const fs::path dir = test::scratch_dir("priors");
  fs::create_directories(dir);
  const std::string path = (dir / (name + ".prior")).string();
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& text, const SearchSpace& space) {
  const std::string path = write_prior("bad", text);
  try {
    ConfigurationPrior(path, space, 3);
  } catch (const Error& e) {
    const std::string message = e.what();
    return message.rfind(path, 0) == 0 ? message.substr(path.size()) : "not naming the file: " + message;
  }
  return "no error";
}

TEST(ConfigurationPrior, ADefaultWithAConfidenceGivesNePSsProbabilities) {
  const Nb201Space space;
  const ConfigurationPrior prior(
      write_prior("default", std::string("# comment\n\ndefault ") + kAllConvolutions +
                                 "   # trailing comment\nconfidence high\n"),
      space, 3);
  // Categorical, high: score 6 against 1 for each of the other 4 ops.
  for (const auto& edge : prior.probabilities()) {
    EXPECT_NEAR(edge[3], 0.6, 1e-12);  // nor_conv_3x3
    EXPECT_NEAR(edge[0], 0.1, 1e-12);
  }
  EXPECT_NEAR(prior.log_density(space.parse(kAllConvolutions)), 6 * std::log(0.6), 1e-12);
  EXPECT_NEAR(prior.draw_share(0), 1.0, 1e-12);
  EXPECT_NEAR(prior.draw_share(6), 1.0 / 3, 1e-12);
  EXPECT_NEAR(prior.draw_share(6, 0.5), 0.2, 1e-12);  // strength 3 x trust 0.5 against 6 observations
  EXPECT_EQ(prior.draw_share(6, 0), 0);
  const nlohmann::json recorded = prior.describe(space);
  EXPECT_EQ(recorded.at("default"), kAllConvolutions);
  EXPECT_EQ(recorded.at("confidence"), "high");
  EXPECT_NEAR(recorded.at("choices").at("3<-2").at("nor_conv_3x3").get<double>(), 0.6, 1e-12);
}

TEST(ConfigurationPrior, ChoiceLinesAndNumericDistributions) {
  const JahsSpace space;
  const ConfigurationPrior prior(
      write_prior("jahs",
                  "choice activation mish=0.7\nchoice lr ~ log-normal 0.01 0.5\n"
                  "default |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|"
                  "nor_conv_3x3~2|;activation=relu;lr=0.1;wd=0.0001;trivial_augment=on\nconfidence low\n"),
      space, 3);
  const auto& p = prior.probabilities();
  EXPECT_NEAR(p[6][2], 0.7, 1e-12);   // mish: the choice line replaces the default's relu
  EXPECT_NEAR(p[6][0], 0.15, 1e-12);  // the rest shared
  // lr: a normal on log10 around 0.01 (grid 10^(-3 + k/4): k = 4), symmetric, every value > 0.
  double sum = 0;
  for (double v : p[7]) {
    sum += v;
    EXPECT_GT(v, 0);
  }
  EXPECT_NEAR(sum, 1, 1e-12);
  EXPECT_GT(p[7][4], p[7][3]);
  EXPECT_NEAR(p[7][3], p[7][5], 1e-4);  // the grid's values as printed (3 digits): nearly symmetric
  // wd, ordinal, low confidence around the default's 1e-4 (k = 2): a normal over the grid positions, sd 0.5.
  EXPECT_NEAR(p[8][1] / p[8][2], std::exp(-0.5 * (1.0 / 36) / 0.25), 1e-9);
  // trivial_augment, categorical, low: 2 against 1.
  EXPECT_NEAR(p[9][1], 2.0 / 3, 1e-12);
}

// A grammar space's prior is per production: each nonterminal's alternatives (written without spaces), the
// density the product over the derivation's nodes; a default believes the alternatives its derivation takes.
TEST(ConfigurationPrior, AGrammarsPriorIsPerProduction) {
  const GrammarSpace space(
      "g", Grammar::parse("S ::= Seq(A, A)\nA ::= conv | pool | B\nB ::= skip | zero\n", "g"));
  const ConfigurationPrior listed(write_prior("grammar", "choice A conv=0.5 pool=0.3\nchoice B skip=0.9\n"),
                                  space, 3);
  EXPECT_NEAR(listed.log_density(space.parse("Seq(conv, skip)")), std::log(0.5) + std::log(0.2 * 0.9), 1e-12);
  EXPECT_NEAR(listed.log_density(space.parse("Seq(zero, pool)")), std::log(0.2 * 0.1) + std::log(0.3), 1e-12);
  // Medium confidence: score 4 against 1 for each other alternative, averaged over the default's two A nodes.
  const ConfigurationPrior around(write_prior("grammar_default", "default Seq(conv, pool)\n"), space, 3);
  EXPECT_NEAR(around.log_density(space.parse("Seq(pool, zero)")),
              std::log(5.0 / 12) + std::log(2.0 / 12) + std::log(0.5), 1e-12);
  EXPECT_NEAR(around.describe(space).at("choices").at("A").at("B").get<double>(), 2.0 / 12, 1e-12);
  EXPECT_EQ(error_of("choice A Seq(A,A)=0.5\n", space), ":1: A has no value 'Seq(A,A)' (conv, pool, B)");
  EXPECT_EQ(error_of("choice S Seq(A,A)=1\n", space), "no error");
  const GrammarSpace hierarchical(
      "hnb201", Grammar::parse(shipped_grammar("hierarchical_nb201"), "hierarchical_nb201"));
  EXPECT_EQ(error_of("choice D2 Sequential3(D1,D1,D0)=0.5\nchoice OP CONVBLOCK=0.7\n", hierarchical),
            "no error");
}

TEST(ConfigurationPrior, BadFilesAreErrorsNamingFileAndLine) {
  const Nb201Space nb201;
  EXPECT_EQ(error_of("default |nor_conv_3x3~0|\n", nb201).substr(0, 3), ":1:");
  EXPECT_EQ(error_of("\n\nbelieve conv\n", nb201),
            ":3: unknown statement 'believe' (default, confidence or choice)");
  EXPECT_EQ(error_of("choice 4<-0 none=0.5\n", nb201),
            ":1: the space nb201 has no choice '4<-0' (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2)");
  EXPECT_EQ(error_of("choice 1<-0 conv=0.5\n", nb201),
            ":1: 1<-0 has no value 'conv' (none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3)");
  EXPECT_EQ(error_of("choice 1<-0 none=0\n", nb201).substr(0, 44),
            ":1: none's probability must be in (0, 1], go");
  EXPECT_EQ(error_of("choice 1<-0 none=0.7 skip_connect=0.6\n", nb201).substr(0, 44),
            ":1: the probabilities of 1<-0 sum to 1.30000");
  EXPECT_NE(error_of("choice 1<-0 none=0.5 skip_connect=0.5\n", nb201)
                .find("the unlisted values would be impossible"),
            std::string::npos);
  EXPECT_EQ(error_of("choice 1<-0 none=0.5\nchoice 1<-0 none=0.4\n", nb201),
            ":2: a second line for choice 1<-0");
  EXPECT_EQ(error_of("choice 1<-0 ~ normal 1 2\n", nb201), ":1: 1<-0's value 'none' is not a number");
  EXPECT_EQ(error_of("confidence sure\n", nb201), ":1: confidence must be low, medium or high, got 'sure'");
  EXPECT_EQ(error_of("confidence high\n", nb201), ": a confidence without a default");
  EXPECT_EQ(error_of("# nothing\n", nb201), ": states no belief (no default and no choice line)");
  EXPECT_EQ(error_of("choice lr ~ log-normal 0 1\n", JahsSpace()),
            ":1: a log-normal's median must be > 0, got 0");
  EXPECT_THROW(ConfigurationPrior("/nonexistent.prior", nb201, 3), Error);
}

TEST(CandidatePool, DrawsTheDefaultFirstThenFollowTheBelief) {
  const JahsSpace space;
  const std::vector<Arch> configs = draw_pool(space, {true, 3000, 1});
  const auto prior = std::make_shared<const ConfigurationPrior>(
      write_prior("mish", "choice activation mish=0.9\n"), space, 1e6);
  const CandidatePool pool(space, configs, prior);
  std::vector<bool> done(configs.size(), false);
  Rng rng(7);
  int mish = 0;
  const int draws = 2000;
  for (int k = 0; k < draws; ++k) mish += pool.random_unevaluated(done, rng).choices[6] == 2;
  // About 0.9 (a third of the pool is mish; the weights 0.9 : 0.05 : 0.05 make it 0.9 of the draws).
  EXPECT_NEAR(static_cast<double>(mish) / draws, 0.9, 0.03);
  const CandidatePool uniform(space, configs);
  mish = 0;
  for (int k = 0; k < draws; ++k) mish += uniform.random_unevaluated(done, rng).choices[6] == 2;
  EXPECT_NEAR(static_cast<double>(mish) / draws, 1.0 / 3, 0.04);
}

// The prior's trust: 1 until 5 successful observations, then how far their log prior ranks like their
// accuracy.
TEST(CandidatePool, TrustsThePriorAsFarAsTheObservationsBearItOut) {
  const Nb201Space space;
  const std::vector<Arch> configs = draw_pool(space, {true, 0, 0});
  const auto prior = std::make_shared<const ConfigurationPrior>(
      write_prior("trust", std::string("default ") + kAllConvolutions + "\nconfidence high\n"), space, 3);
  const CandidatePool pool(space, configs, prior);
  // Cells with k 3x3 convolutions on the edges into node 3 (the others 1x1): the more, the likelier.
  std::vector<Observation> agreeing, contradicting;
  for (int k = 0; k < 4; ++k) {
    std::string arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|";
    for (int e = 0; e < 3; ++e)
      arch += std::string(e < k ? "nor_conv_3x3" : "nor_conv_1x1") + "~" + std::to_string(e) + "|";
    agreeing.push_back({space.parse(arch), 60.0 + k, true});
    contradicting.push_back({space.parse(arch), 70.0 - k, true});
  }
  pool.evaluated(agreeing);
  EXPECT_EQ(pool.prior_trust(), 1.0);  // 4 observations: not yet judged
  const Arch all_1x1 = space.parse(
      "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|");
  agreeing.push_back({all_1x1, 59.0, true});  // the least likely and the worst
  contradicting.push_back({all_1x1, 71.0, true});
  pool.evaluated(agreeing);
  EXPECT_NEAR(pool.prior_trust(), 1.0, 1e-12);  // the likelier, the better: fully borne out
  const long row = pool.find(space.parse(kAllConvolutions));
  const double trusted = pool.prior_log_weight(row, 5);
  pool.evaluated(contradicting);
  EXPECT_EQ(pool.prior_trust(), 0.0);  // the likelier, the worse: the prior stops steering
  EXPECT_EQ(pool.prior_log_weight(row, 5), 0.0);
  EXPECT_LT(trusted, 0.0);
}

// PriorBand's incumbent-centred distribution: the user's belief with its peak moved onto the incumbent, as
// sharp as the belief (each edge's probabilities permuted), so that the two compare fairly.
TEST(ConfigurationPrior, MovedOntoAConfigurationIsAsSharpAndCentredThere) {
  const Nb201Space space;
  const ConfigurationPrior prior(write_prior("moved",
                                             "choice 1<-0 nor_conv_3x3=0.45 nor_conv_1x1=0.3\n"
                                             "choice 3<-0 nor_conv_3x3=0.45 nor_conv_1x1=0.3\n"),
                                 space, 3);
  const std::string all_pooling =
      "|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|";
  const ConfigurationPrior moved = prior.moved_onto(space, space.parse(all_pooling));
  EXPECT_NEAR(moved.log_density(space.parse(all_pooling)), prior.log_density(space.parse(kAllConvolutions)),
              1e-12);
  EXPECT_NEAR(moved.log_density(space.parse(kAllConvolutions)), prior.log_density(space.parse(all_pooling)),
              1e-12);
  for (size_t edge = 0; edge < prior.probabilities().size(); ++edge) {
    std::vector<double> before = prior.probabilities()[edge], after = moved.probabilities()[edge];
    std::sort(before.begin(), before.end());
    std::sort(after.begin(), after.end());
    for (size_t v = 0; v < before.size(); ++v) EXPECT_NEAR(after[v], before[v], 1e-12);
  }
}

// PriorBand's weights: uniform 1 against the prior's eta^r (r: the bracket's first rung); once a cell has
// been evaluated at the highest fidelity, the prior's weight goes to whichever of the prior and the
// incumbent-centred belief makes the best cells there likelier; the default comes first.
TEST(PriorBandSampler, WeighsThePriorByRungAndAgainstTheIncumbent) {
  const Nb201Space space;
  const std::vector<Arch> configs = draw_pool(space, {true, 0, 0});
  const auto prior = std::make_shared<const ConfigurationPrior>(
      write_prior("band", std::string("default ") + kAllConvolutions + "\n"), space, 3);
  const CandidatePool pool(space, configs, prior);
  PriorBandSampler sampler(pool, 3, 27);
  std::vector<bool> done(configs.size(), false);
  Rng rng(5);
  std::string how;
  EXPECT_EQ(space.format(sampler.draw({}, done, 0, rng, how)), kAllConvolutions);
  EXPECT_EQ(how, "your prior's default");
  EXPECT_NEAR(sampler.weights({}, 0).prior, 0.5, 1e-12);
  EXPECT_NEAR(sampler.weights({}, 3).prior, 27.0 / 28, 1e-12);
  EXPECT_EQ(sampler.weights({}, 3).incumbent, 0.0);
  // The best full-fidelity cells all convolutions but one edge: the prior explains them nearly as well as
  // the incumbent-centred belief (which the incumbent itself favours) and keeps a third of its weight.
  auto with_one_edge = [&](const std::string& op) {
    std::vector<Observation> history;
    for (int edge = 0; edge < 6; ++edge) {
      Arch cell = space.parse(kAllConvolutions);
      cell.choices[static_cast<size_t>(edge)] = space.parse(op).choices[0];
      history.push_back({cell, 80.0 - edge, true, 27});
    }
    return history;
  };
  const auto near_prior = with_one_edge(
      "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|");
  const PriorBandSampler::Weights agreeing = sampler.weights(near_prior, 0);
  EXPECT_NEAR(agreeing.uniform + agreeing.prior + agreeing.incumbent, 1.0, 1e-12);
  EXPECT_NEAR(agreeing.prior, 0.16, 0.01);
  // The best cells all pooling: the incumbent's neighbourhood takes nearly all of the prior's weight.
  std::vector<Observation> pooling;
  for (int edge = 0; edge < 6; ++edge) {
    Arch cell = space.parse(
        "|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_3x3~2|");
    cell.choices[static_cast<size_t>(edge)] = 1;  // skip_connect
    pooling.push_back({cell, 80.0 - edge, true, 27});
  }
  const PriorBandSampler::Weights contradicted = sampler.weights(pooling, 0);
  EXPECT_LT(contradicted.prior, 0.01);
  EXPECT_NEAR(contradicted.incumbent, 0.5, 0.01);
  // Draws around the pooling incumbent: half of its edges' ops pooling (uniform draws: a fifth).
  const int avg_pool = 4;
  done[static_cast<size_t>(pool.find(space.parse(kAllConvolutions)))] = true;
  int around = 0, pooled = 0;
  for (int k = 0; k < 400; ++k) {
    const Arch drawn = sampler.draw(pooling, done, 0, rng, how);
    if (how != "around the incumbent") continue;
    ++around;
    for (size_t edge = 1; edge < drawn.choices.size(); ++edge) pooled += drawn.choices[edge] == avg_pool;
  }
  EXPECT_GT(around, 150);
  EXPECT_NEAR(static_cast<double>(pooled) / (5.0 * around), 0.5, 0.1);
}

SearchSettings table_search(const std::string& method, const std::string& table, const std::string& out) {
  SearchSettings s;
  s.method = method;
  s.objective.spec = "table:" + table + ":acc";
  s.budget = 20;
  s.seed = 3;
  s.out = out;
  return s;
}

// Every method evaluates the prior's default first; config.json records the prior; another prior on the same
// run directory is another search (refused without --force).
TEST(PriorSearch, EveryMethodStartsFromTheDefaultAndConfigRecordsThePrior) {
  const auto dir = test::scratch_dir("prior_search");
  const std::string table = test::synthetic_table(dir);
  const std::string path = write_prior("convs", std::string("default ") + kAllConvolutions + "\n");
  for (const std::string method : {"random", "evolution", "local", "bowl", "params"}) {
    SCOPED_TRACE(method);
    SearchSettings s = table_search(method, table, (dir / method).string());
    s.prior = path;
    run_search(s, [](const std::string&) {});
    const auto trials = test::read_trials(s.out);
    if (method != "params") {  // params proposes the largest cells first: the default is one of them anyway
      EXPECT_EQ(trials.front().at("arch"), kAllConvolutions);
    }
    const auto config = nlohmann::json::parse(test::read_text(s.out + "/config.json"));
    EXPECT_EQ(config.at("prior").at("default"), kAllConvolutions);
    EXPECT_EQ(config.at("prior").at("strength"), 2.0);  // the budget / 10
  }
  SearchSettings other = table_search("random", table, (dir / "random").string());
  other.prior = write_prior("other", "choice 1<-0 none=0.5\n");
  EXPECT_THROW(run_search(other, [](const std::string&) {}), Error);
  SearchSettings ucb = table_search("bowl", table, (dir / "ucb").string());
  ucb.prior = path;
  ucb.method_settings.proposal.acquisition = Acquisition::Kind::kUpperConfidenceBound;
  EXPECT_THROW(run_search(ucb, [](const std::string&) {}), Error);
}

// bohnas on the flat NB201 grammar: the prior's default first, its random start drawn from the prior (a
// strong belief in 3x3 convolutions: most of the start's edges), config.json recording it; a configuration
// outside the pool gets piBO's weight from its own density.
TEST(PriorSearch, BohnasStartsFromThePriorOnAGrammarSpace) {
  const auto dir = test::scratch_dir("prior_bohnas");
  const std::string table = test::synthetic_table(dir);
  const std::string grammar =
      std::string("grammar:") + TNAS_SOURCE_DIR + "/graphs/spaces/grammar/grammars/nb201_cell.grammar";
  const std::string all_pooling =
      "Cell(avg_pool_3x3, avg_pool_3x3, avg_pool_3x3, avg_pool_3x3, avg_pool_3x3, "
      "avg_pool_3x3)";
  auto start_convolutions = [&](const std::string& name, const std::string& prior_text) {
    SearchSettings s = table_search("bohnas", table, (dir / name).string());
    s.space = grammar;
    s.budget = 7;
    s.method_settings.proposal.warm_start = 7;
    s.prior_strength = 1000;
    if (!prior_text.empty()) s.prior = write_prior(name, prior_text);
    run_search(s, [](const std::string&) {});
    const auto trials = test::read_trials(s.out);
    if (!prior_text.empty()) {
      EXPECT_EQ(trials.front().at("arch"), all_pooling);
      const auto config = nlohmann::json::parse(test::read_text(s.out + "/config.json"));
      EXPECT_EQ(config.at("prior").at("default"), all_pooling);
    }
    int convolutions = 0;
    for (size_t i = 1; i < trials.size(); ++i) {
      const std::string arch = trials[i].at("arch");
      for (size_t at = arch.find("nor_conv_3x3"); at != std::string::npos;
           at = arch.find("nor_conv_3x3", at + 1))
        ++convolutions;
    }
    return convolutions;  // over 6 cells x 6 edges
  };
  const int believed =
      start_convolutions("believed", "default " + all_pooling + "\nchoice OP nor_conv_3x3=0.9\n");
  const int uniform = start_convolutions("uniform", "");
  EXPECT_GE(believed, 25);
  EXPECT_LE(uniform, 15);

  const auto space = make_search_space(grammar);
  const auto prior = std::make_shared<const ConfigurationPrior>(
      write_prior("outside", "choice OP nor_conv_3x3=0.9\n"), *space, 3);
  const Arch convolutions = space->parse(
      "Cell(nor_conv_3x3, nor_conv_3x3, nor_conv_3x3, nor_conv_3x3, nor_conv_3x3, nor_conv_3x3)");
  const CandidatePool empty(*space, {}, prior);
  EXPECT_NEAR(empty.prior_log_weight(convolutions, 6), 3.0 / 6 * 6 * std::log(0.9), 1e-12);
}

// On the synthetic table (60 + 5 per 3x3 convolution) a prior towards 3x3 convolutions gives random search
// more of them than no prior, and one towards pooling fewer.
TEST(PriorSearch, RandomDrawsFollowTheBelief) {
  const auto dir = test::scratch_dir("prior_belief");
  const std::string table = test::synthetic_table(dir);
  auto convolutions_per_trial = [&](const std::string& name, const std::string& prior_text) {
    double convolutions = 0;
    int trials = 0;
    for (int seed = 0; seed < 5; ++seed) {
      SearchSettings s = table_search("random", table, (dir / (name + std::to_string(seed))).string());
      s.seed = static_cast<uint64_t>(seed);
      if (!prior_text.empty()) s.prior = write_prior(name, prior_text), s.prior_strength = 20;
      run_search(s, [](const std::string&) {});
      for (const auto& t : test::read_trials(s.out)) {
        const std::string arch = t.at("arch");
        for (size_t at = arch.find("nor_conv_3x3"); at != std::string::npos;
             at = arch.find("nor_conv_3x3", at + 1))
          ++convolutions;
        ++trials;
      }
    }
    return convolutions / trials;
  };
  std::string towards, away;
  for (const char* edge : {"1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2"}) {
    towards += std::string("choice ") + edge + " nor_conv_3x3=0.6\n";
    away += std::string("choice ") + edge + " avg_pool_3x3=0.6\n";
  }
  const double none = convolutions_per_trial("none", ""), good = convolutions_per_trial("towards", towards),
               bad = convolutions_per_trial("away", away);
  EXPECT_GT(good, none + 0.8);  // uniform: 1.2 per cell; the prior's draws 3.6
  EXPECT_LT(bad, none - 0.3);   // the prior's draws 0.6
}

// BANANAS weighs the improvement of its Thompson draws by the prior (piBO): on a table that rewards 3x3
// convolutions and is indifferent to the other operations, a belief in convolutions and skip connections
// (which the observations bear out, so it keeps its weight) leaves fewer edges that are neither in its
// proposals after the warm start than no belief does.
TEST(PriorSearch, BananasWeighsItsThompsonDrawsByTheBelief) {
  const auto dir = test::scratch_dir("prior_bananas");
  const std::string table = test::synthetic_table(dir);
  std::string belief;
  for (const char* edge : {"1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2"})
    belief += std::string("choice ") + edge + " nor_conv_3x3=0.45 skip_connect=0.45\n";
  const auto disbelieved_edges_after_warm_start = [&](const std::string& name, bool prior) {
    int edges = 0;
    for (int seed = 0; seed < 3; ++seed) {
      SearchSettings s = table_search("bananas", table, (dir / (name + std::to_string(seed))).string());
      s.seed = static_cast<uint64_t>(seed);
      if (prior) s.prior = write_prior(name, belief), s.prior_strength = 20;
      run_search(s, [](const std::string&) {});
      const auto trials = test::read_trials(s.out);
      for (size_t t = 10; t < trials.size(); ++t) {
        const Nb201Cell cell = Nb201Cell::parse(trials[t].at("arch").get<std::string>());
        for (Nb201Op op : cell.ops()) edges += op != Nb201Op::kConv3x3 && op != Nb201Op::kSkipConnect;
      }
    }
    return edges;
  };
  const int without = disbelieved_edges_after_warm_start("plain", false),
            with = disbelieved_edges_after_warm_start("belief", true);
  EXPECT_LT(with, without - 5)
      << "none, 1x1 convolution or pooling edges in trials 11-20 of 3 seeds: with the "
      << "prior " << with << ", without " << without;
}

}  // namespace
}  // namespace tnas
