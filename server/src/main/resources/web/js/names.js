// Suggested address names, from the browser's CSPRNG: four consonant-vowel pairs and three
// digits, like the server's "pronounceable" style (about 34 bits: hard to guess, easy to read out).
const CONSONANTS = 'bdfghjklmnprstvz';
const VOWELS = 'aeiou';

function pick(alphabet) {
  // Rejection sampling keeps every letter equally likely.
  const limit = 256 - (256 % alphabet.length);
  const byte = new Uint8Array(1);
  do {
    crypto.getRandomValues(byte);
  } while (byte[0] >= limit);
  return alphabet[byte[0] % alphabet.length];
}

export function suggestName() {
  let name = '';
  for (let i = 0; i < 4; i += 1) name += pick(CONSONANTS) + pick(VOWELS);
  for (let i = 0; i < 3; i += 1) name += pick('0123456789');
  return name;
}
