#include "models/demography.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/cause.hpp"
#include "test_support.hpp"

namespace povsim {
namespace {

using namespace testing;

// 50,000 persons aged 69 turn 70 in the second January; the share that dies matches the Gompertz
// probability at 70 within 4 binomial standard errors. Nothing happens in other months.
TEST(Demography, AgesOnceAYearWithGompertzMortality) {
  Demography::Params p;
  Driven<Demography> model(p);
  HouseholdStore hh = make_store(25000, 2, 69, Health::healthy, Work::migrant);
  for (int m = 0; m <= 12; ++m) {
    Month month(hh, m);
    step_all(model, month.ctx, hh);
  }
  long dead = 0;
  for (std::size_t q = 0; q < hh.person_count(); ++q) {
    EXPECT_EQ(hh.age[q], 70);
    dead += !(hh.person_flags[q] & person_flag::alive);
    if (hh.person_flags[q] & person_flag::alive) {
      EXPECT_EQ(hh.work[q], Work::farming);  // retired from wage work
    }
  }
  const double expected = p.gompertz_a * std::exp(p.gompertz_b * 70);
  EXPECT_NEAR(dead / 50000.0, expected, 4 * binomial_sd(expected, 50000));
  // Households whose earners retired met the ageing shock; alive counts follow the deaths.
  EXPECT_EQ(hh.last_cause[0], code(Cause::ageing));
  for (std::size_t h = 0; h < hh.size(); ++h)
    EXPECT_EQ(hh.alive_members[h], ((hh.person_flags[2 * h] & person_flag::alive) != 0) +
                                       ((hh.person_flags[2 * h + 1] & person_flag::alive) != 0));
}

}  // namespace
}  // namespace povsim
