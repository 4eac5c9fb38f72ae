#include "tutorials/common/phrasebook.h"

#include <array>
#include <set>
#include <sstream>
#include <string>

namespace atto::tutorial {

namespace {

struct Pair {
  const char* english;
  const char* french;
};

// Greetings and people to greet; "hello my friend" -> "bonjour mon ami".
constexpr std::array<Pair, 6> kGreetings = {{{"hello", "bonjour"},
                                             {"good morning", "bonjour"},
                                             {"good evening", "bonsoir"},
                                             {"goodbye", "au revoir"},
                                             {"thank you", "merci"},
                                             {"welcome", "bienvenue"}}};
constexpr std::array<Pair, 7> kPeople = {{{"my friend", "mon ami"},
                                          {"madam", "madame"},
                                          {"sir", "monsieur"},
                                          {"everyone", "tout le monde"},
                                          {"paul", "paul"},
                                          {"marie", "marie"},
                                          {"children", "les enfants"}}};

// Subjects of "to be": the French verb form and which adjective form agrees.
enum class Agreement { masculine, feminine, plural };
struct Subject {
  const char* english;
  const char* french;
  Agreement agreement;
};
constexpr std::array<Subject, 6> kSubjects = {{{"i am", "je suis", Agreement::masculine},
                                               {"you are", "vous êtes", Agreement::plural},
                                               {"he is", "il est", Agreement::masculine},
                                               {"she is", "elle est", Agreement::feminine},
                                               {"we are", "nous sommes", Agreement::plural},
                                               {"they are", "ils sont", Agreement::plural}}};
struct Adjective {
  const char* english;
  const char* masculine;
  const char* feminine;
  const char* plural;
};
constexpr std::array<Adjective, 8> kStates = {{{"tired", "fatigué", "fatiguée", "fatigués"},
                                               {"happy", "content", "contente", "contents"},
                                               {"ready", "prêt", "prête", "prêts"},
                                               {"sick", "malade", "malade", "malades"},
                                               {"late", "en retard", "en retard", "en retard"},
                                               {"here", "ici", "ici", "ici"},
                                               {"at home", "à la maison", "à la maison", "à la maison"},
                                               {"very tired", "très fatigué", "très fatiguée", "très fatigués"}}};

// Places, with the French article and gender for "open" / "closed".
struct Place {
  const char* english;
  const char* french;  // with its article
  bool feminine;
};
constexpr std::array<Place, 8> kPlaces = {{{"the station", "la gare", true},
                                           {"the hotel", "l'hôtel", false},
                                           {"the bank", "la banque", true},
                                           {"the museum", "le musée", false},
                                           {"the beach", "la plage", true},
                                           {"the restaurant", "le restaurant", false},
                                           {"the airport", "l'aéroport", false},
                                           {"the pharmacy", "la pharmacie", true}}};

// Things to like, and who likes them ("to like": aimer).
constexpr std::array<Pair, 8> kLikes = {{{"coffee", "le café"},
                                         {"tea", "le thé"},
                                         {"bread", "le pain"},
                                         {"cheese", "le fromage"},
                                         {"wine", "le vin"},
                                         {"music", "la musique"},
                                         {"the sea", "la mer"},
                                         {"chocolate", "le chocolat"}}};
constexpr std::array<Pair, 6> kLikers = {{{"i like", "j'aime"},
                                          {"you like", "vous aimez"},
                                          {"he likes", "il aime"},
                                          {"she likes", "elle aime"},
                                          {"we like", "nous aimons"},
                                          {"they like", "ils aiment"}}};

// Polite requests: "i would like X , please".
constexpr std::array<Pair, 6> kRequests = {{{"a coffee", "un café"},
                                            {"a tea", "un thé"},
                                            {"a glass of water", "un verre d'eau"},
                                            {"the bill", "l'addition"},
                                            {"a table for two", "une table pour deux"},
                                            {"a ticket", "un billet"}}};

constexpr std::array<Pair, 8> kPhrases = {{{"please", "s'il vous plaît"},
                                           {"excuse me", "excusez-moi"},
                                           {"yes", "oui"},
                                           {"no", "non"},
                                           {"see you tomorrow", "à demain"},
                                           {"how are you ?", "comment allez-vous ?"},
                                           {"do you speak english ?", "parlez-vous anglais ?"},
                                           {"thank you very much", "merci beaucoup"}}};

std::string join(const std::string& a, const std::string& b) { return a + " " + b; }

const char* agree(const Adjective& adjective, Agreement agreement) {
  switch (agreement) {
    case Agreement::masculine: return adjective.masculine;
    case Agreement::feminine: return adjective.feminine;
    default: return adjective.plural;
  }
}

}  // namespace

std::vector<Translation> phrasebook() {
  std::vector<Translation> pairs;
  for (const Pair& greeting : kGreetings) {
    pairs.push_back({greeting.english, greeting.french});
    for (const Pair& person : kPeople) {
      pairs.push_back({join(greeting.english, person.english), join(greeting.french, person.french)});
    }
  }
  for (const Pair& phrase : kPhrases) pairs.push_back({phrase.english, phrase.french});
  for (const Subject& subject : kSubjects) {
    for (const Adjective& state : kStates) {
      pairs.push_back({join(subject.english, state.english), join(subject.french, agree(state, subject.agreement))});
    }
  }
  // "hello , i am tired" -> "bonjour , je suis fatigué": greeting and sentence
  // side by side, so the greeting's alignment is easy to see.
  for (std::size_t g = 0; g < 4; ++g) {
    for (std::size_t s = 0; s < kSubjects.size(); ++s) {
      const Adjective& state = kStates[(g + s) % kStates.size()];
      pairs.push_back({join(kGreetings[g].english, join(",", join(kSubjects[s].english, state.english))),
                       join(kGreetings[g].french,
                            join(",", join(kSubjects[s].french, agree(state, kSubjects[s].agreement))))});
    }
  }
  for (const Place& place : kPlaces) {
    const std::string french = place.french;
    pairs.push_back({join("where is", join(place.english, "?")), join("où est", join(french, "?"))});
    pairs.push_back({join("i am looking for", place.english), join("je cherche", french)});
    pairs.push_back({join(place.english, "is open"), join(french, place.feminine ? "est ouverte" : "est ouvert")});
    pairs.push_back({join(place.english, "is closed"), join(french, place.feminine ? "est fermée" : "est fermé")});
  }
  for (const Pair& liker : kLikers) {
    for (const Pair& thing : kLikes) pairs.push_back({join(liker.english, thing.english), join(liker.french, thing.french)});
  }
  for (const Pair& request : kRequests) {
    pairs.push_back({join("i would like", join(request.english, ", please")),
                     join("je voudrais", join(request.french, ", s'il vous plaît"))});
  }
  return pairs;
}

PhrasebookSplits phrasebook_splits() {
  const std::vector<Translation> pairs = phrasebook();
  std::vector<bool> held(pairs.size(), false);
  for (std::size_t i = 5; i < pairs.size(); i += 6) held[i] = true;
  // Put back any held-out pair with a word that no training pair has.
  const auto words_in_training = [&] {
    std::set<std::string> words;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (held[i]) continue;
      for (const std::string* text : {&pairs[i].source, &pairs[i].target}) {
        std::istringstream in(*text);
        for (std::string word; in >> word;) words.insert(word);
      }
    }
    return words;
  };
  for (bool changed = true; changed;) {
    changed = false;
    const std::set<std::string> known = words_in_training();
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (!held[i]) continue;
      for (const std::string* text : {&pairs[i].source, &pairs[i].target}) {
        std::istringstream in(*text);
        for (std::string word; in >> word;) {
          if (held[i] && !known.contains(word)) {
            held[i] = false;
            changed = true;
          }
        }
      }
    }
  }
  PhrasebookSplits splits;
  for (std::size_t i = 0; i < pairs.size(); ++i) (held[i] ? splits.held_out : splits.train).push_back(pairs[i]);
  return splits;
}

}  // namespace atto::tutorial
