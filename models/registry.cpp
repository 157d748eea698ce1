// The model diagram. Each month every household passes through these models in this order:
//
//   processes  demography (January: ageing, deaths, retirement)
//      |
//   shocks     illness -> disaster -> job loss
//      |
//   transfers  public-welfare posts -> eco-compensation (policy levels; a cut is the
//      |       subsidy-withdrawal shock)
//   market     prices of homogeneous products from total output (a reduction over households)
//      |
//   earnings   income process (wages, farm and business income, transfers, savings)
//      |
//   policies   skills training -> relocation follow-up -> rural pension -> phased industry support
//              -> medical assistance -> temporary assistance (within the year, after a shock)
//              -> early warning (monitoring, assistance) -> dibao (December: review, settlement)
//      |
//   (December) the engine's annual poverty assessment
//      |
//   observers  poverty spells (January: spell and exit durations from the December assessment)
//
// Adding a model is one line here plus its own file pair.
#include "models/cause.hpp"
#include "models/demography.hpp"
#include "models/dibao.hpp"
#include "models/disaster.hpp"
#include "models/early_warning.hpp"
#include "models/eco_compensation.hpp"
#include "models/illness.hpp"
#include "models/income_process.hpp"
#include "models/job_loss.hpp"
#include "models/market.hpp"
#include "models/medical_assistance.hpp"
#include "models/phased_industry_support.hpp"
#include "models/poverty_spells.hpp"
#include "models/public_welfare_posts.hpp"
#include "models/relocation_support.hpp"
#include "models/rural_pension.hpp"
#include "models/skills_training.hpp"
#include "models/synthetic_population.hpp"
#include "models/temporary_assistance.hpp"
#include "sim/core/registry.hpp"

namespace povsim {

ModelRegistry make_default_registry() {
  ModelRegistry r;
  r.set_population<SyntheticPopulation>("population");
  r.set_causes(cause_names());

  r.add<Demography>("processes.demography");
  r.add<IllnessShock>("shocks.illness");
  r.add<DisasterShock>("shocks.disaster");
  r.add<JobLossShock>("shocks.job_loss");
  r.add<PublicWelfarePosts>("policies.public_welfare_posts");
  r.add<EcoCompensation>("policies.eco_compensation");
  r.add<MarketInteraction>("processes.market");
  r.add<IncomeProcess>("processes.income");
  r.add<SkillsTraining>("policies.skills_training");
  r.add<RelocationSupport>("policies.relocation_support");
  r.add<RuralPension>("policies.rural_pension");
  r.add<PhasedIndustrySupport>("policies.phased_industry_support");
  r.add<MedicalAssistance>("policies.medical_assistance");
  r.add<TemporaryAssistance>("policies.temporary_assistance");
  r.add<EarlyWarning>("policies.early_warning");
  r.add<Dibao>("policies.dibao");
  r.add<PovertySpells>("observers.poverty_spells");
  return r;
}

}  // namespace povsim
