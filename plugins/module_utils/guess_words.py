# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Ranked word lists for module_utils/guessability.py: the most frequent entries of zxcvbn's frequency lists.

Each list is in rank order (the first entry is the most common). Taken from zxcvbn 4.5.0 (PyPI, Python port of
Dropbox's zxcvbn; MIT License, Copyright (c) 2012-2016 Dropbox, Inc. and (c) 2016 Daniel Wolf): the first
3000 entries of ``passwords`` and ``english_wikipedia`` and 1000 of ``us_tv_and_film``, ASCII words of at
least three characters without spaces. zxcvbn keeps each word in one list only (where it ranks best).
"""

from __future__ import annotations

PASSWORDS = tuple("""
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123 football monkey
letmein shadow master 696969 mustang 666666 qwertyuiop 123321 1234567890 pussy superman 654321 1qaz2wsx 7777777
fuckyou qazwsx jordan 123qwe 000000 killer trustno1 hunter harley zxcvbnm asdfgh buster batman soccer tigger charlie
sunshine iloveyou fuckme ranger hockey computer starwars asshole pepper klaster 112233 zxcvbn freedom princess
maggie pass ginger 11111111 131313 fuck love cheese 159753 summer chelsea dallas biteme matrix yankees 6969 corvette
austin access thunder merlin secret diamond hello hammer fucker 1234qwer silver gfhjkm internet samantha golfer
scooter test orange cookie q1w2e3r4t5 maverick sparky phoenix mickey bigdog snoopy guitar whatever chicken camaro
mercedes peanut ferrari falcon cowboy welcome sexy samsung steelers smokey dakota arsenal boomer eagles tigers
marina nascar booboo gateway yellow porsche monster spider diablo hannah bulldog junior london purple compaq lakers
iceman qwer1234 hardcore cowboys money banana ncc1701 boston tennis q1w2e3r4 coffee scooby 123654 nikita yamaha
mother barney brandy chester fuckoff oliver player forever rangers midnight chicago bigdaddy redsox angel badboy
fender jasper slayer rabbit natasha marine bigdick wizard marlboro raiders prince casper fishing flower jasmine
iwantu panties adidas winter winner gandalf password1 enter ghbdtn 1q2w3e4r golden cocacola jordan23 winston madison
angels panther blowme sexsex bigtits spanky bitch sophie asdfasdf horny thx1138 toyota tiger dick canada 12344321
blowjob 8675309 muffin liverpoo apples qwerty123 passw0rd abcd1234 pokemon 123abc slipknot qazxsw 123456a scorpion
qwaszx butter startrek rainbow asdfghjkl razz newyork redskins gemini cameron qazwsxedc florida liverpool turtle
sierra viking booger butthead doctor rocket 159357 dolphins captain bandit jaguar packers pookie peaches 789456 asdf
dolphin helpme blue theman maxwell qwertyui shithead lovers maddog giants nirvana metallic hotdog rosebud mountain
warrior stupid elephant suckit success bond007 jackass alexis porn lucky scorpio samson q1w2e3 azerty rush2112
driver freddy 1q2w3e4r5t sydney gators dexter red123 123456q 12345a bubba creative voodoo golf trouble america
nissan gunner garfield bullshit asdfghjk 5150 fucking apollo 1qazxsw2 2112 eminem legend airborne bear beavis apple
brooklyn godzilla skippy 4815162342 buddy qwert kitten magic shelby beaver phantom asdasd xavier braves darkness
blink182 copper platinum qweqwe tomcat 01012011 girls bigboy 102030 animal police online 11223344 voyager lifehack
12qwaszx fish sniper 315475 trinity blazer heaven lover snowball playboy loveme bubbles hooters cricket willow
donkey topgun nintendo saturn destiny pakistan pumpkin digital sergey redwings explorer tits private runner therock
guinness lasvegas beatles 789456123 fire cassie christin qwerty1 celtic asdf1234 andrey broncos 007007 babygirl
eclipse fluffy cartman michigan carolina testing alexande birdie pantera cherry vampire mexico dickhead buffalo
genius montana beer minecraft maximus flyers lovely stalker metallica doggie snickers speedy bronco lol123 paradise
yankee horses magnum dreams 147258369 lacrosse ou812 goober enigma qwertyu scotty pimpin bollocks surfer cock
poohbear genesis star asd123 qweasdzxc racing hello1 hawaii eagle1 viper poopoo einstein boobies 12345q bitches
drowssap simple badger alaska action jester drummer 111222 spitfire forest maryjane champion diesel svetlana friday
hotrod 147258 chevy lucky1 westside security google badass tester shorty thumper hitman mozart zaq12wsx boobs reddog
010203 lizard a123456 123456789a ruslan eagle 1232323q scarface qwerty12 147852 a12345 buddha porno 420420 spirit
money1 stargate qwe123 naruto mercury liberty 12345qwert semperfi suzuki popcorn spooky marley scotland kitty
cherokee vikings simpsons rascal qweasd hummer loveyou michael1 patches russia jupiter penguin passion cumshot
vfhbyf honda vladimir sandman passport raider bastard 123789 infinity assman bulldogs fantasy sucker 1234554321
horney domino budlight disney ironman usuckballz1 softball brutus redrum bigred mnbvcxz fktrcfylh karina marines
digger kawasaki cougar fireman oksana monday cunt justice nigger super wildcats tinker logitech dancer swordfis
avalon everton alexandr motorola patriots hentai madonna pussy1 ducati colorado connor juventus galore smooth
freeuser warcraft boogie titanic wolverin elizabet arizona valentin saints asdfg accord test123 password123 christ
yfnfif stinky slut spiderma naughty chopper hello123 ncc1701d extreme skyline poop zombie pearljam 123qweasd froggy
awesome vision pirate fylhtq dreamer bullet predator empire 123123a kirill charlie1 panthers penis skipper nemesis
rasdzv3 peekaboo rolltide cardinal psycho danger mookie happy1 wanker chevelle manutd goblue 9379992 hobbes vegeta
fyfcnfcbz 852456 picard 159951 windows loverboy victory vfrcbv bambam serega 123654789 turkey tweety galina hiphop
rooster changeme berlin taurus suckme polina electric avatar 134679 maksim raptor alpha1 hendrix newport bigcock
brazil spring a1b2c3 madmax alpha britney sublime darkside bigman wolfpack classic hercules ronaldo letmein1 1q2w3e
741852963 spiderman blizzard 123456789q cheyenne cjkysirj tiger1 wombat bubba1 pandora zxc123 holiday wildcat devils
horse alabama 147852369 caesar 12312 buddy1 bondage pussycat pickle shaggy catch22 leather chronic a1b2c3d4 admin
qqq111 qaz123 airplane kodiak freepass billybob sunset katana phpbb chocolat snowman angel1 stingray firebird wolves
zeppelin detroit pontiac gundam panzer vagina outlaw redhead tarheels greenday nastya 01011980 hardon engineer
dragon1 hellfire serenity cobra fireball lickme darkstar 1029384756 01011 mustang1 flash 124578 strike beauty
pavilion 01012000 bobafett dbrnjhbz bigmac bowling chris1 ytrewq natali pyramid rulez welcome1 dodgers apache
swimming whynot teens trooper fuckit defender precious 135790 packard weasel popeye lucifer cancer icecream 142536
raven swordfish presario viktor rockstar blonde james1 wutang spike pimp atlanta airforce thailand casino lennon
mouse 741852 hacker bluebird hawkeye 456123 theone catfish sailor goldfish nfnmzyf tattoo pervert barbie maxima
nipples machine trucks wrangler rocks tornado lights cadillac bubble pegasus madman longhorn browns target 666999
eatme qazwsx123 microsoft dilbert christia baller lesbian shooter xfiles seattle qazqaz cthutq amateur prelude
corona freaky malibu 123qweasdzxc assassin 246810 atlantis integra pussies iloveu lonewolf dragons monkey1 unicorn
software bobcat stealth peewee openup 753951 srinivas zaqwsx valentina shotgun trigger veronika bruins coyote
babydoll joker dollar lestat rocky1 hottie random butterfly wordpass smiley sweety snake chipper woody samurai
devildog gizmo maddie soso123aljg mistress freedom1 flipper express hjvfirf moose cessna piglet polaris teacher
montreal cookies wolfgang scully fatboy wicked balls tickle bunny dfvgbh foobar transam pepsi fetish oicu812
basketba toshiba hotstuff sunday booty gambit 31415926 impala stephani jessica1 hooker lancer knicks shamrock
fuckyou2 stinger 314159 redneck deftones squirt siemens blaster trucker subaru renegade ibanez manson swinger reaper
blondie mylove galaxy blahblah enterpri travel 1234abcd babylon5 indiana skeeter master1 sugar ficken smoke bigone
sweetpea fucked trfnthbyf marino escort smitty bigfoot babes larisa trumpet spartan valera babylon asdfghj yankees1
bigboobs stormy mister hamlet aardvark butterfl marathon paladin cavalier manchester skater indigo hornet buckeyes
01011990 indians karate hesoyam toronto diamonds chiefs buckeye 1qaz2wsx3edc highland hotsex charger redman passwor
maiden drpepper storm pornstar garden 12345678910 pencil sherlock timber thuglife insane pizza jungle jesus1 aragorn
1a2b3c hamster david1 triumph techno lollol pioneer catdog 321654 fktrctq morpheus 141627 pascal shadow1 hobbit
wetpussy erotic consumer blabla justme stones chrissy spartak goforit burger pitbull adgjmptw italia barcelona
hunting colors kissme virgin overlord pebbles sundance emerald doggy racecar irina element 1478963 zipper alpine
basket goddess poison nipple sakura chichi huskers 13579 pussys q12345 ultimate ncc1701e blackie nicola rommel
matthew1 caserta omega geronimo sammy1 trojan 123qwe123 philips nugget tarzan chicks aleksandr bassman trixie
portugal anakin dodger bomber superfly madness q1w2e3r4t5y6 loser 123asd fatcat ybrbnf soldier warlock wrinkle1
desire sexual babe seminole alejandr 951753 11235813 westham andrei concrete access14 weed letmein2 ladybug naked
christop trombone tintin bluesky rhbcnbyf qazxswedc onelove cdtnkfyf whore vfvjxrf titans stallion truck hansolo
blue22 smiles beagle panama kingkong flatron inferno mongoose connect poiuyt snatch qawsed juice blessed rocker
snakes turbo bluemoon sex4me finger jamaica a1234567 mulder beetle fuckyou1 passat immortal plastic 123454321
anthony1 whiskey dietcoke suck spunky magic1 monitor cactus exigen planet ripper teen spyder apple1 nolimit hollywoo
sluts sticky trunks 1234321 14789632 pickles sailing bonehead ghbdtnbr delta charlott rubber 911911 112358 molly1
yomama hongkong jumper william1 ilovesex faster unreal cumming memphis 1123581321 nylons legion sebastia shalom
pentium geheim werewolf funtime ferret orion curious 555666 niners cantona sprite philly pirates abgrtyu lollipop
eternity boeing super123 sweets cooldude tottenha green1 jackoff stocking 7895123 moomoo martini biscuit drizzt
colt45 fossil makaveli snapper satan666 maniac salmon patriot verbatim nasty shasta asdzxc shaved blackcat raistlin
qwerty12345 punkrock cjkywt 01012010 4128 waterloo crimson twister oxford musicman seinfeld biggie condor ravens
megadeth wolfman cosmos sharks banshee keeper foxtrot gn56gn56 skywalke velvet black1 sesame dogs squirrel privet
sunrise wolverine sucks legolas grendel ghost cats carrot frosty lvbnhbq blades stardust frog qazwsxed 121314 coolio
brownie groovy twilight daytona vanhalen pikachu peanuts licker hershey jericho intrepid ninja 1234567a zaq123
lobster goblin punisher strider shogun kansas amadeus seven7 jason1 neptune showtime muscle oldman ekaterina rfrfirf
getsome showme 111222333 obiwan skittles danni tanker maestro tarheel anubis hannibal anal newlife gothic shark
fighter blue123 blues 123456z princes slick chaos thunder1 sabine 1q2w3e4r5t6y python test1 mirage devil clover
tequila chelsea1 surfing delete potato chubby panasonic sandiego portland baggins fusion sooners blackdog buttons
californ moscow playtime mature 1a2b3c4d dagger dima stimpy asdf123 gangster warriors iverson chargers byteme
swallow liquid lucky7 dingdong nymets cracker mushroom 456852 crusader bigguy miami dkflbvbh bugger nimrod tazman
stranger newpass doodle powder gotcha guardian dublin slapshot septembe 147896325 pepsi1 milano grizzly woody1
knights photos 2468 nookie charly rammstein brasil 123321123 scruffy munchkin poopie 123098 kittycat latino walnut
1701 thegame viper1 1passwor kolobok picasso robert1 barcelon bananas trance auburn coltrane eatshit goodluck
starcraft wheels parrot postal blade wisdom pink gorilla katerina pass123 andrew1 shaney14 dumbass osiris
fuck_inside oakland discover ranger1 spanking lonestar bingo meridian ping heather1 dookie stonecol megaman
192837465 rjntyjr ledzep lowrider 25802580 richard1 firefly griffey racerx paradox ghjcnj gangsta zaq1xsw2 tacobell
weezer sirius halflife buffett shiloh 123698745 vertigo sergei aliens sobaka keyboard kangaroo sinner soccer1
0.0.000 bonjour socrates chucky hotboy sprint 0007 sarah1 scarlet celica shazam formula1 sommer trebor qwerasdf jeep
mailcreated5240 bollox asshole1 fuckface honda1 rebels vacation lexmark penguins 12369874 ragnarok formula 258456
tempest vfhecz tacoma qwertz colombia flames rockon duck prodigy wookie dodgeram mustangs 123qaz sithlord smoker
server bang incubus scoobydo oblivion molson kitkat titleist rescue zxcv1234 carpet 1122 bigballs tardis jimbob
xanadu blueeyes shaman mersedes pooper pussy69 golfing hearts mallard 12312312 kenwood patrick1 dogg cowboys1 oracle
123zxc nuttertools 102938 topper 1122334455 shemale sleepy gremlin yourmom 123987 gateway1 printer monkeys peterpan
mikey kingston cooler analsex jimbo pa55word asterix freckles birdman frank1 defiant aussie stud blondes tatyana
445566 aspirine mariners jackal deadhead katrin anime rootbeer frogger polo scooter1 hallo noodles thomas1 parola
shaolin celine 11112222 plymouth creampie justdoit ohyeah fatass assfuck amazon 1234567q kisses magnus camel nopass
bosco 987456 6751520 harley1 putter champs massive spidey lightnin camelot letsgo gizmodo aezakmi bones caliente
12121 goodtime thankyou raiders1 brucelee redalert aquarius 456654 catherin smokin pooh mypass astros roller
porkchop sapphire qwert123 kevin1 a1s2d3f4 beckham atomic rusty1 vanilla qazwsxedcrfv hunter1 kaktus cxfcnmt blacky
753159 elvis1 aggies blackjac bangkok scream 123321q iforgot power1 kasper abc12 buster1 slappy shitty veritas
chevrole amber1 01012001 vader amsterdam jammer primus spectrum eduard granny horny1 sasha1 clancy usa123 satan
diamond1 hitler avenger 1221 spankme 123456qwerty simba smudge scrappy labrador john316 syracuse front242 falcons
husker candyman commando gator pacman delta1 pancho krishna fatman clitoris pineappl lesbians 8j4ye3uz barkley
vulcan punkin boner celtics monopoly flyboy romashka hamburg 123456aa lick gangbang 223344 area51 spartans aaa111
tricky snuggles drago homerun vectra homer1 hermes topcat cuddles infiniti 1234567890q cosworth goose phoenix1
killer1 ivanov bossman qawsedrf peugeot exigent doberman durango brandon1 plumber telefon horndog laguna rbhbkk dawg
webmaster breeze beast porsche9 beefcake leopard redbull oscar1 topdog godsmack theking pics omega1 speaker viktoria
fuckers bowler starbuck gjkbyf valhalla anarchy blacks herbie kingpin starfish nokia loveit achilles 906090 labtec
ncc1701a fitness jordan1 brando arsenal1 bull kicker napass desert sailboat bohica tractor hidden muppet jackson1
jimmy1 terminator phillies pa55w0rd terror farside swingers legacy frontier butthole doughboy jrcfyf tuesday sabbath
daniel1 nebraska homers qwertyuio azamat fallen agent007 striker camels iguana looker pinkfloy moloko qwerty123456
dannyboy luckydog 789654 pistol whocares charmed skiing select franky puppy daniil vladik vette vfrcbvrf ihateyou
nevada moneys vkontakte mandingo puppies 666777 mystic zidane kotenok dilligaf budman bunghole zvezda 123457 triton
golfball technics trojans panda laptop rookie 01011991 15426378 aberdeen gustav jethro enterprise igor stripper
filter hurrican rfnthbyf lespaul gizmo1 butch 132435 dthjybrf 1366613 excalibu 963852 nofear momoney possum cutter
oilers moocow cupcake gbpltw batman1 splash svetik super1 soleil bogdan melissa1 vipers babyboy tdutybq lancelot
ccbill keystone passwort flamingo firefox dogman vortex rebel noodle raven1 zaphod killme pokemon1 coolman danila
designer skinny kamikaze deadman gopher doobie warhammer deeznuts freaks engage chevy1 steve1 apollo13 poncho
hammers azsxdc dracula 000007 sassy bitch1 boots deskjet 12332 macdaddy mighty rangers1 manchest sterlin casey1
meatball mailman sinatra cthulhu summer1 bubbas cartoon bicycle eatpussy truelove sentinel tolkien breast capone
lickit summit 123456k peter1 daisy1 kitty1 123456789z crazy1 jamesbon texas1 sexygirl 362436 sonic billyboy redhot
microsof microlab daddy1 rockets iloveyo fernand gordon24 danie cutlass polska star69 titties pantyhos 01011985
thekid aikido gofish mayday 1234qwe coke anfield sony lansing smut scotch sexx catman 73501505 hustler saun dfkthbz
passwor1 jenny1 azsxdcfv cheers irish1 gabrie tinman orioles 1225 charlton fortuna 01011970 airbus rustam xtreme
bigmoney zxcasd retard grumpy huskies boxing 4runner kelly1 ultima warlord fordf150 oranges rotten asdfjkl superstar
denali sultan bikini saratoga thor figaro sixers wildfire vladislav 128500 sparta mayhem greenbay chewie music1
number1 cancun fabie mellon poiuytrewq cloud9 crunch bigtime chicken1 piccolo bigbird 321654987 billy1 mojo 01011981
maradona sandro chester1 bizkit rjirfrgbde 789123 rightnow jasmine1 hyperion treasure meatloaf armani rovers jarhead
01011986 cruise coconut dragoon utopia davids cosmo rfhbyf reebok 1066 charli giorgi sticks sayang pass1234 exodus
anaconda zaqxsw illini woofwoof emily1 sandy1 packer poontang govols jedi tomato beaner cooter creamy lionking
happy123 albatros poodle kenworth dinosaur greens goku happyday eeyore tsunami cabbage holyshit turkey50 memorex
chaser bogart orgasm tommy1 volley whisper knopka ericsson walleye 321123 pepper1 katie1 chickens tyler1 corrado
twisted 100000 zorro clemson zxcasdqwe tootsie milana zenith fktrcfylhf shania frisco polniypizdec0211 crazybab
junebug fugazi rereirf vfvekz 1001 sausage vfczyz koshka clapton justin1 anhyeuem condom fubar hardrock skywalker
tundra cocks gringo 150781 canon vitalik aspire stocks samsung1 applepie abc12345 arjay gandalf1 boob pillow sparkle
gmoney rockhard lucky13 samiam everest hellyeah bigsexy skorpion rfrnec hedgehog australi candle slacker dicks
voyeur jazzman america1 bobby1 br0d3r wolfie vfksirf 1qa2ws3ed 13243546 fright yosemite temp karolina fart barsik
surf cheetah baddog deniska starship bootie milena hithere kume greatone dildo 50cent 0.0.0.000 albion amanda1
midget lion maxell football1 cyclone freeporn nikola bonsai kenshin slider balloon roadkill killbill 222333 jerkoff
78945612 dinamo tekken rambler goliath cinnamon malaka backdoor fiesta packers1 rastaman fletch sojdlg123aljg
stefano artemis calico nyjets damnit robotech duchess rctybz hooter keywest 18436572 hal9000 mechanic pingpong
operator presto sword rasputin spank bristol faggot shado 963852741 amsterda 321456 wibble carrera alibaba majestic
ramses duster route66 trident clipper steeler wrestlin divine kipper gotohell kingfish snake1 passwords buttman
pompey viagra zxcvbnm1 spurs 332211 slutty lineage2 oleg macross pooter brian1 qwert1 charles1 slave jokers yzerman
swimmer ne1469 nwo4life solnce seamus lolipop pupsik moose1 ivanova secret1 matador love69 420247 ktyjxrf subway
cinder vermont pussie chico florian magick guiness allsop ghetto flash1 a123456789 typhoon dfkthf depeche skydive
dammit seeker fuckthis crysis kcj9wx5n umbrella r2d2c3po 123123q snoopdog critter theboss ding 162534 splinter kinky
cyclops jayhawk 456321 caramel qwer123 underdog caveman onlyme grapes feather hotshot fuckher renault george1 sex123
pippen 000001 789987 floppy cunts megapass 1000 pornos usmc kickass great1 quattro 135246 wassup helloo p0015123
nicole1 chivas shannon1 bullseye java fishes blackhaw jamesbond tunafish juggalo dkflbckfd 123789456 dallas1
translator 122333 beanie alucard gfhjkm123 supersta magicman ashley1 cohiba xbox360 caligula 12131415 facial 7753191
dfktynbyf cobra1 cigars fang klingon bob123 safari looser 10203 deepthroat malina 200000 tazmania gonzo goalie
jacob1 monaco cruiser misfit vh5150 tommyboy marino13 yousuck sharky vfhufhbnf horizon absolut brighton 123456r
death1 kungfu maxx forfun mamapapa enter1 budweise banker getmoney kostya qazwsx12 bigbear vector fallout nudist
gunners royals chainsaw scania trader blueboy walrus eastside kahuna qwerty1234 love123 steph 01011989 cypress champ
undertaker ybrjkfq europa snowboar sabres moneyman chrisbln minime nipper groucho whitey viewsonic penthous wolf359
fabric flounder coolguy whitesox passme smegma skidoo thanatos fucku2 snapple dalejr mondeo thesims mybaby panasoni
sinbad thecat topher frodo sneakers q123456 z1x2c3 alfa chicago1 taylor1 ghjcnjnfr cat123 olivier cyber titanium
0420 madison1 jabroni dang hambone intruder holly1 gargoyle sadie1 static poseidon studly newcastl sexxxx poppy
johannes danzig beastie musica buckshot sunnyday adonis bluedog bonkers 2128506 chrono compute spawn 01011988 turbo1
smelly wapbbs goldstar ferrari1 778899 quantum pisces boomboom gunnar 1024 test1234 florida1 nike superman1
multiplelo custom motherlode 1qwerty westwood usnavy apple123 daewoo korn stereo sasuke sunflowe watcher dharma
555777 mouse1 assholes babyblue 123qwerty marius walmart snoop starfire tigger1 paintbal knickers aaliyah lokomotiv
theend winston1 sapper rover erotica scanner racer zeus sexy69 doogie bayern joshua1 newbie scott1 losers droopy
outkast martin1 dodge1 wasser ufkbyf rjycnfynby thirteen 12345z 112211 hotred deejay hotpussy 192837 jessic philippe
scout panther1 cubbies havefun magpie fghtkm avalanch newyork1 pudding leonid harry1 cbr600 audia4 bimmer fucku
01011984 idontknow vfvfgfgf 1357 aleksey builder 01011987 zerocool godfather mylife donuts allmine redfish 777888
sascha nitram bounce 333666 smokes 1x2zkg8w rodman stunner zxasqw12 hoosier hairy beretta insert 123456s rtyuehe
francesc tights cheese1 micron quartz hockey1 gegcbr searay jewels bogey paintball celeron padres bing syncmaster
ziggy simon1 beaches prissy diehard orange1 mittens aleksandra queens 02071986 biggles thongs southpark artur
twinkle gretzky rabota cambiami monalisa gollum chuckles spike1 gladiator whisky spongebob sexy1 03082006 mazafaka
meathead 4121 ou8122 barefoot 12345678q cfitymrf bigass a1s2d3 kosmos blessing titty clevelan terrapin ginger1
johnboy maggot clarinet deeznutz 336699 stumpy stoney footbal traveler volvo bucket snapon pianoman hawkeyes futbol
casanova tango goodboy scuba honey1 sexyman warthog mustard abc1234 nickel 10203040 meowmeow 1012 boricua prophet
sauron 12qwas reefer andromeda crystal1 joker1 90210 goofy loco lovesex triangle whatsup mellow bengals monster1
maste 01011910 lover1 love1 123aaa sunshin smeghead hokies sting welder rambo cerberus bunny1 rockford monke
1q2w3e4r5 goldwing gabriell buzzard crjhgbjy james007 rainman groove tiberius purdue nokia6300 hayabusa shou jagger
diver zigzag poochie usarmy phish redwood redwing 12345679 salamander silver1 abcd123 sputnik boobie ripple eternal
12qw34er thegreat allstar slinky gesperrt mishka whiskers pinhead overkill sweet1 rhfcjnrf montgom240 sersolution
jamie1 starman proxy swords nikolay bacardi rasta badgirl rebecca1 wildman penny1 spaceman 1007 10101 logan1 hacked
bulldog1 helmet windsor buffy1 runescape trapper 123451 banane dbrnjh ripken 12345qwe frisky shun fester oasis
lightning ib6ub9 cicero kool pony thedog 784512 01011992 megatron illusion edward1 napster 11223 squash roadking
woohoo 19411945 hoosiers 01091989 tracker bagira midway leavemealone br549 14725836 235689 menace rachel1 feng laser
stoned realmadrid 787898 balloons tinkerbell 5551212 maria1 pobeda heineken sonics moonlight optimus comet orchid
02071982 jaybird kashmir 12345678a chuang chunky peach mortgage rulezzz saleen chuckie zippy fishing1 gsxr750
doghouse maxim reader shai buddah benfica chou salomon meister eraser blackbir bigmike starter pissing angus deluxe
eagles1 hardcock 135792468 mian seahawks godfathe bookworm gregor intel talisman blackjack babyface hawaiian dogfood
zhong 01011975 sancho ludmila medusa mortimer 123456654321 roadrunn just4me stalin 01011993 handyman alphabet pizzas
calgary clouds password2 cgfhnfr f**k cubswin gong lexus max123 xxx123 digital1 gfhjkm1 7779311 missy1 michae
beautifu gator1 1005
""".split())

ENGLISH = tuple("""
the and was for with from his were are which doc https also has had first one their its after new who they two her
she been other when time during there into school more may years over only year most would world city some where
between later three state such then national used made known under many university united while part season team
these american than film second born south became states war through being including both before north high however
people family early history album area them series against until since district county name work life group music
following number company several four called played released career league game government house each based day same
won use station club international town located population general college east found age march end september began
home public church line june river member system place century band july york january october song august best
former british party named held village show local november took service december built another major within along
members five single due although small old left final large include building served president received games death
february main third set children own order species park law air published road died book men women army often
according education central country division english top included development french community among water play side
list times near late form original different center power led students german moved court six land council island
u.s. record million research art established award street military television given region support western
production non political point cup period business title started various election using england role produced become
program works field total office class written association radio union level championship director few force created
department founded services married though per site open act short society version royal present northern worked
professional full returned joined story france european currently language social california india days design st.
further round australia wrote san project control southern railway board popular continued free battle considered
video common position living half playing recorded red post described average records special modern appeared
announced areas rock release elected others example term opened similar formed route census current schools
originally lake developed race himself forces addition information upon province match event songs result events win
eastern track lead teams science human construction minister germany awards available throughout training style body
museum australian health seven signed chief eventually appointed sea centre debut tour points media light range
character across features families largest indian network less performance players refer europe sold festival
usually taken despite designed committee process return official episode institute stage followed performed japanese
personal thus arts space low months includes china study middle magazine leading japan groups aircraft featured
federal civil rights model coach canadian books remained eight type independent completed capital academy instead
kingdom organization countries studies competition sports size above section finished gold involved reported
management systems industry directed market fourth movement technology bank ground campaign base lower sent rather
added provided coast grand historic valley conference bridge winning approximately films chinese awarded degree
russian shows native female replaced municipality square studio medical data african successful mid bay attack
previous operations spanish theatre student republic beginning provide ship primary owned writing tournament culture
introduced texas related natural parts governor reached ireland units senior decided italian whose higher africa
standard income professor placed regional los buildings championships active novel energy generally interest via
economic previously stated itself channel below operation leader traditional trade structure limited runs prior
regular famous saint navy foreign listed artist catholic airport results parliament collection unit officer goal
attended command staff commission lived location plays commercial places foundation significant older medal self
scored companies highway activities programs wide musical notable library numerous paris towards individual allowed
plant property annual contract whom highest initially required earlier assembly artists rural seat practice defeated
ended soviet length spent manager press associated author issues additional characters lord zealand policy engine
township noted historical complete financial religious mission contains nine recent represented pennsylvania
administration opening secretary lines report executive youth closed theory writer italy angeles appearance feature
queen launched legal terms entered issue edition singer greek majority background source anti cultural complex
changes recording stadium islands operated particularly basketball month uses port castle mostly names fort selected
increased status earth subsequently pacific cover variety certain goals remains upper congress becoming studied
irish nature particular loss caused chart dr. forced create era retired material review rate singles referred larger
individuals shown provides products speed democratic poland parish olympics cities themselves temple wing genus
households serving cost wales stations passed supported view cases forms actor male matches males stars tracks
females administrative median effect biography train engineering camp offered chairman houses mainly 19th surface
therefore nearly score ancient subject prime seasons claimed experience specific jewish failed overall believed plot
troops greater spain consists broadcast heavy increase raised separate campus 1980s appears presented lies composed
recently influence fifth nations creek references elections britain double cast meaning earned carried producer
latter housing brothers attempt article response border remaining nearby direct ships value workers politician
academic label 1970s commander rule fellow residents authority editor transport dutch projects responsible covered
territory flight races defense tower emperor albums facilities daily stories assistant managed primarily quality
function proposed distribution conditions prize journal code vice newspaper corps highly constructed mayor critical
secondary corporation rugby regiment ohio appearances serve allow nation multiple discovered directly scene levels
growth elements acquired 1990s officers physical 20th latin host jersey graduated arrived issued literature metal
estate vote immediately quickly asian competed extended produce urban 1960s promoted contemporary global formerly
appear industrial types opera ministry soldiers commonly mass formation smaller typically drama shortly density
senate effects iran polish prominent naval settlement divided basis republican languages distance treatment continue
product mile sources footballer format clubs leadership initial offers operating avenue officially columbia grade
squadron fleet percent farm leaders agreement likely equipment website mount grew method transferred intended
renamed iron asia reserve capacity politics widely activity advanced relations scottish dedicated crew founder
episodes lack amount build efforts concept follows ordered leaves positive economy entertainment affairs memorial
ability illinois communities color text railroad scientific focus comedy serves exchange environment cars direction
organized firm description agency analysis purpose destroyed reception planned revealed infantry architecture
growing featuring household candidate removed situated models knowledge solo technical organizations assigned
conducted participated largely purchased register gained combined headquarters adopted potential protection scale
approach spread independence mountains titled geography applied safety mixed accepted continues captured rail defeat
principal recognized lieutenant mentioned semi owner joint liberal actress traffic creation basic notes unique
supreme declared simply plants sales massachusetts designated parties jazz compared becomes resources titles concert
learning remain teaching versions content alongside revolution sons block premier impact champions districts
generation estimated volume image sites account roles sport quarter providing zone yard scoring classes presence
performances representatives hosted split taught origin olympic claims critics facility occurred suffered municipal
damage defined resulted respectively expanded platform draft opposition expected educational ontario climate reports
atlantic surrounding performing reduced ranked allows birth nominated younger newly kong positions theater
philadelphia heritage finals disease sixth laws reviews constitution tradition swedish theme fiction rome medicine
trains resulting existing deputy environmental labour classical develop fans granted receive alternative begins
nuclear fame buried connected identified palace falls letters combat sciences effort villages inspired regions towns
conservative chosen animals labor attacks materials yards steel representative orchestra peak entitled officials
returning reference northwest imperial convention examples ocean publication painting subsequent frequently religion
brigade fully sides acts cemetery relatively oldest suggested succeeded achieved application programme cells votes
promotion graduate armed supply flying communist figures literary netherlands korea worldwide citizens 1950s faculty
draw stock seats occupied methods unknown articles claim holds authorities audience sweden interview obtained covers
settled transfer marked allowing funding challenge southeast unlike crown rise portion transportation sector phase
properties edge tropical standards institutions philosophy legislative hills brand fund conflict unable founding
refused attempts metres permanent starring applications creating effective aired extensive employed enemy expansion
billboard rank battalion multi vehicle fought alliance category perform federation poetry bronze bands entry
vehicles bureau maximum billion trees intelligence greatest screen refers commissioned gallery injury confirmed
setting treaty adult americans broadcasting supporting pilot mobile writers programming existence squad minnesota
copies korean provincial sets defence offices agricultural internal core northeast retirement factory actions
prevent communications ending weekly containing functions attempted interior weight bowl recognition incorporated
increasing ultimately documentary derived attacked lyrics mexican external churches centuries metropolitan selling
opposed personnel mill visited presidential roads pieces norwegian controlled 18th rear influenced wrestling weapons
launch composer locations developing circuit specifically studios shared canal wisconsin publishing approved
domestic consisted determined comic establishment exhibition southwest fuel electronic cape converted educated
melbourne hits wins producing norway slightly occur surname identity represent constituency funds proved links
structures athletic birds contest users poet institution display receiving rare contained guns motion piano
temperature publications passenger contributed toward cathedral inhabitants architect exist athletics muslim courses
abandoned signal successfully disambiguation tennessee dynasty heavily maryland jews representing budget weather
missouri introduction faced pair chapel reform height vietnam occurs motor cambridge lands focused sought patients
shape invasion chemical importance communication selection regarding homes voivodeship maintained borough failure
aged passing agriculture oregon teachers flow philippines trail seventh portuguese resistance reaching negative
fashion scheduled downtown universities trained skills scenes views notably typical incident candidates engines
decades composition commune chain inc. austria sale values employees chamber regarded winners registered task
investment colonial swiss user entirely flag stores closely entrance laid journalist coal equal causes turkish
quebec techniques promote junction easily dates kentucky singapore residence violence advance survey humans
expressed passes streets distinguished qualified folk establish egypt artillery visual improved actual finishing
medium protein switzerland productions operate poverty neighborhood organisation consisting consecutive sections
partnership extension reaction factor costs bodies device ethnic racial flat objects chapter improve musicians
courts controversy membership merged wars expedition interests arab comics gain describes mining bachelor crisis
joining decade 1930s distributed habitat routes arena cycle divisions briefly vocals directors degrees object
recordings installed adjacent demand voted causing businesses ruled grounds starred drawn opposite stands formal
operates persons counties compete wave israeli ncaa resigned brief greece combination demographics historian contain
commonwealth musician collected argued louisiana session cabinet parliamentary electoral loan profit regularly
conservation islamic purchase 17th charts residential earliest designs paintings survived moth items goods grey
anniversary criticism images discovery observed underground progress additionally participate thousands reduce
elementary owners stating iraq resolution capture tank rooms hollywood finance queensland reign maintain iowa
landing broad outstanding circle path manufacturing assistance sequence gmina crossing leads universal shaped kings
attached medieval ages metro colony affected scholars oklahoma coastal soundtrack painted attend definition
meanwhile purposes trophy require marketing popularity cable mathematics mississippi represents scheme appeal
distinct factors acid subjects roughly terminal economics senator diocese prix contrast argentina czech wings relief
stages duties 16th novels accused whilst equivalent charged measure documents couples request danish defensive guide
devices statistics credited tries passengers allied frame puerto peninsula concluded instruments wounded differences
associate forests afterwards replace requirements aviation solution offensive ownership inner legislation hungarian
contributions actors translated denmark steam depending aspects assumed injured severe admitted determine shore
technique arrival measures translation debuted delivered returns rejected separated visitors damaged storage
accompanied markets industries losses gulf charter strategy corporate socialist somewhat significantly physics
mounted satellite experienced constant relative pattern restored belgium connecticut partners harvard retained
networks protected mode artistic parallel collaboration debate involving journey linked salt authors components
context occupation requires occasionally policies tamil ottoman revolutionary hungary poem versus gardens amongst
audio makeup frequency meters orthodox continuing suggests legislature coalition guitarist eighth classification
practices soil tokyo instance limit coverage considerable ranking colleges cavalry centers daughters twin equipped
broadway narrow hosts rates domain boundary arranged 12th whereas brazilian forming rating strategic competitions
trading covering baltimore commissioner infrastructure origins replacement praised disc collections expression
ukraine driven edited austrian solar ensure premiered successor wooden operational hispanic concerns rapid prisoners
childhood meets influential tunnel employment tribe qualifying adapted temporary celebrated appearing increasingly
depression adults cinema entering laboratory script flows romania accounts fictional pittsburgh achieve monastery
franchise formally tools newspapers revival sponsored processes vienna springs missions classified 13th annually
branches lakes gender manner advertising normally maintenance adding characteristics integrated decline modified
strongly critic victims malaysia arkansas nazi restoration powered monument hundreds depth 15th controversial
admiral criticized brick honorary initiative output visiting birmingham progressive existed carbon 1920s credits
colour rising hence defeating superior filmed listing column surrounded orleans principles territories struck
participation indonesia movements index commerce conduct constitutional spiritual ambassador vocal completion
edinburgh residing tourism finland bears medals resident themes visible indigenous involvement basin electrical
ukrainian concerts boats styles processing rival drawing vessels experimental declined touring supporters
compilation coaching cited dated roots string explained transit traditionally poems minimum representation 14th
releases effectively architectural triple indicated greatly elevation clinical printed 10th proposal peaked
producers romanized rapidly stream innings meetings counter householder honour lasted agencies document exists
surviving experiences honors landscape hurricane harbor panel competing profile vessel farmers lists revenue
exception customers 11th participants wildlife utah bible gradually preserved replacing symphony begun longest siege
provinces mechanical genre transmission agents executed videos benefits funded rated instrumental ninth similarly
dominated destruction passage technologies thereafter outer facing affiliated opportunities instrument governments
scholar evolution channels shares sessions widespread occasions engineers scientists signing battery competitive
alleged eliminated supplies judges hampshire regime portrayed penalty taiwan denied submarine scholarship
substantial transition victorian http nevertheless filed supports continental tribes ratio doubles useful honours
blocks principle retail departure ranks patrol yorkshire vancouver inter extent afghanistan strip railways component
organ symbol categories encouraged abroad civilian periods traveled writes struggle immediate recommended adaptation
egyptian graduating assault drums nomination historically voting allies detailed achievement percentage arabic
assist frequent toured apply and/or intersection maine touchdown throne produces contribution emerged obtain
archbishop seek researchers remainder populations clan finnish overseas fifa licensed chemistry festivals
mediterranean injuries animated seeking publisher volumes limits venue jerusalem generated trials islam youngest
ruling glasgow germans songwriter persian municipalities donated viewed belgian cooperation posted tech dual
volunteer settlers commanded claiming approval delhi usage terminus partly electricity locally editions premiere
absence belief traditions statue indicate manor stable attributed possession managing viewers chile overview seed
regulations essential minority cargo segment endemic forum deaths monthly playoffs erected practical machines suburb
relation mrs. descent indoor continuous characterized solutions caribbean rebuilt serbian summary contested
psychology pitch attending muhammad tenure drivers diameter assets venture punk airlines concentration athletes
volunteers pages mines influences sculpture protest ferry behalf drafted apparent furthermore ranging romanian
democracy lanka significance linear d.c. certified voters recovered tours demolished boundaries assisted identify
grades elsewhere mechanism 1940s reportedly aimed conversion suspended photography departments beijing locomotives
publicly dispute magazines resort conventional platforms internationally capita settlements dramatic derby
establishing involves statistical implementation immigrants exposed diverse layer vast ceased connections belonged
interstate uefa organised abuse deployed cattle partially filming mainstream reduction automatic rarely subsidiary
decides merger comprehensive displayed amendment guinea exclusively manhattan concerning commons radical serbia
baptist buses initiated portrait harbour choir citizen sole unsuccessful manufactured enforcement connecting
increases patterns sacred muslims clothing hindu unincorporated sentenced advisory tanks campaigns fled repeated
remote rebellion implemented texts fitted tribute writings sufficient ministers 21st devoted jurisdiction coaches
interpretation pole businessman peru sporting prices cuba relocated opponent arrangement elite manufacturer
responded suitable distinction calendar dominant tourist earning prefecture ties preparation anglo pursue worship
archaeological chancellor bangladesh scores traded lowest horror outdoor biology commented specialized loop arriving
farming housed historians patent pupils christianity opponents athens northwestern maps promoting reveals flights
exclusive lions norfolk hebrew extensively eldest shops acquisition virtual renowned margin ongoing essentially
iranian alternate sailed reporting conclusion originated temperatures exposure secured landed rifle framework
identical martial focuses topics ballet fighters belonging wealthy negotiations evolved bases oriented acres
democrat heights restricted vary graduation aftermath chess illness participating vertical collective immigration
demonstrated leaf completing organic missile leeds eligible grammar confederate improvement congressional wealth
cincinnati spaces indicates corresponding reaches repair isolated taxes congregation ratings leagues diplomatic
submitted winds awareness photographs maritime nigeria accessible animation restaurants philippine inaugural
dismissed armenian illustrated reservoir speakers programmes resource genetic interviews camps regulation computers
preferred travelled comparison distinctive recreation requested southeastern dependent brisbane breeding playoff
expand bonus gauge departed qualification inspiration shipping slaves variations shield theories munich recognised
emphasis favour variable seeds undergraduate territorial intellectual qualify mini banned pointed democrats
assessment judicial examination attempting objective partial characteristic hardware pradesh execution ottawa metre
drum exhibitions withdrew attendance phrase journalism logo measured error christians trio protestant theology
respective atmosphere buddhist substitute curriculum fundamental outbreak rabbi intermediate designation globe
liberation simultaneously diseases experiments locomotive difficulties mainland nepal relegated contributing
database developments veteran carries ranges instruction lodge protests obama newcastle experiment physician
describing challenges corruption delaware adventures ensemble succession renaissance tenth altitude receives
approached crosses syria croatia warsaw professionals improvements worn airline compound permitted preservation
reducing printing scientist activist comprises sized societies enters ruler gospel earthquake extend autonomous
croatian serial decorated relevant ideal grows grass tier towers wider welfare columns alumni descendants interface
reserves banking colonies manufacturers magnetic closure pitched vocalist preserve enrolled cancelled equation 2000s
nickname bulgaria heroes exile mathematical demands input structural tube stem approaches argentine axis manuscript
inherited depicted targets visits veterans regard removal efficiency organisations concepts lebanon manga petersburg
rally supplied amounts yale tournaments broadcasts signals pilots azerbaijan architects enzyme literacy declaration
placing batting incumbent bulgarian consistent poll defended landmark southwestern raid resignation travels
casualties prestigious namely aims recipient warfare readers collapse coached controls volleyball coup lesser verse
pairs exhibited proteins molecular abilities integration consist aspect advocate administered governing hospitals
commenced coins lords variation resumed canton artificial elevated palm difficulty civic efficient northeastern
inducted radiation affiliate boards stakes byzantine consumption freight interaction oblast numbered seminary
contracts extinct predecessor bearing cultures functional neighboring revised cylinder grants narrative reforms
athlete tales reflect presidency compositions specialist cricketer founders sequel widow disbanded associations
backed thereby pitcher commanding boulevard singers crops militia reviewed centres waves consequently fortress
tributary portions bombing excellence nest payment mars plaza unity victories scotia farms nominations variant
attacking suspension installation graphics estates comments acoustic destination venues surrender retreat libraries
quarterback customs berkeley collaborated gathered syndrome dialogue recruited shanghai neighbouring psychological
saudi moderate exhibit innovation depot binding brunswick situations certificate actively shakespeare editorial
presentation
""".split())

TV_AND_FILM = tuple("""
you that what this know have just not your but all well about right get here out going like yeah can want think now
him how got did why see come good really look will okay back mean tell hey could yes something because say take way
little make need gonna never too sure our sorry let thing maybe down man very should anything said much any even off
please doing thank give thought help talk god still wait find nothing again things call told great better ever night
away believe feel everything fine last keep does put around stop guy always listen wanted guys huh those big lot
happened thanks trying kind wrong talking guess care bad mom remember getting together dad leave understand actually
hear baby nice father else stay done course might mind every enough try hell came someone whole yourself idea ask
must coming looking woman room knew tonight real son hope went hmm happy pretty saw girl sir friend already saying
next job problem minute thinking heard honey matter myself exactly having probably happen hurt boy dead gotta alone
excuse start kill hard today car ready without wants hold wanna yet seen deal once gone morning supposed friends
head stuff worry live truth face forget true cause soon knows telling wife chance run move anyone person bye
somebody heart miss making meet anyway phone reason damn lost looks bring case turn wish tomorrow kids trust check
change anymore least working makes taking means brother hate ago says beautiful gave fact crazy sit afraid important
rest fun kid word watch glad everyone sister minutes everybody bit couple whoa either mrs feeling daughter wow gets
asked break promise door close hand easy question tried far walk needs mine killed hospital anybody alright wedding
shut able die perfect stand comes hit waiting dinner funny husband almost pay answer cool eyes news child yours
moment sleep read sounds sonny pick sometimes bed date plan hours lose hands serious shit behind inside ahead week
wonderful fight past cut quite sick eat nobody goes save seems finally lives worried upset carly met brought seem
sort safe leaving front shot loved asking running clear figure hot felt parents drink absolutely daddy sweet alive
sense meant happens bet blood kidding lie meeting dear seeing sound fault ten buy hour speak lady jen thinks
christmas outside hang possible worse mistake ooh handle spend totally giving marriage realize unless sex send
needed scared picture talked ass hundred changed completely explain certainly sign boys relationship loves hair
lying choice anywhere future weird luck turned touch kiss crane questions obviously wonder pain calling somewhere
throw straight cold fast words food none drive feelings marry drop cannot dream protect twenty surprise sweetheart
poor looked mad except gun dance takes appreciate especially situation besides pull worth sheridan amazing expect
swear piece busy happening movie catch perhaps step fall watching kept darling dog honor moving till admit problems
murder evil definitely feels honest eye broke missed longer dollars tired evening starting entire trip niles suppose
calm imagine fair caught blame sitting favor apartment terrible clean learn frasier relax accident wake prove smart
message missing forgot interested table nbsp mouth pregnant ring careful shall dude ride figured wear shoot stick
follow angry write stopped ran standing forgive jail wearing ladies kinda lunch cristian greenlee gotten hoping
phoebe thousand ridge paper tough tape count boyfriend proud agree birthday share offer hurry feet wondering
decision ones finish voice herself mess deserve evidence cute dress interesting hotel enjoy quiet concerned staying
beat sweetie mention clothes fell neither mmm fix respect prison attention holding calls surprised bar keeping gift
putting dark owe ice helping normal aunt lawyer apart plans jax girlfriend floor whether box judge upstairs sake
mommy possibly worst acting accept blow strange saved conversation plane mama yesterday lied quick lately stuck
difference store bought doubt listening walking cops deep dangerous buffy sleeping chloe rafe join card crime
gentlemen willing window walked guilty likes fighting difficult soul joke favorite uncle promised bother seriously
cell knowing broken advice somehow paid losing push helped killing boss liked innocent rules learned thirty risk
letting speaking ridiculous afternoon apologize nervous charge patient boat hide detective planning huge breakfast
horrible awful pleasure driving hanging picked sell quit apparently dying notice congratulations visit letter decide
forward fool showed smell seemed spell memory pictures slow seconds hungry hearing kitchen realized kick grab
discuss fifty reading idiot suddenly agent destroy bucks shoes peace arms demon livvie consider papers incredible
witch drunk attorney tells knock ways gives nose skye turns keeps jealous drug sooner cares plenty extra outta
weekend matters gosh opportunity impossible waste pretend jump eating proof slept arrest breathe perfectly warm
pulled twice easier goin dating suit romantic drugs comfortable finds checked divorce begin ourselves closer ruin
smile laugh treat fear otherwise excited mail hiding stole pacey noticed fired excellent bringing bottom note sudden
bathroom honestly sing foot remind charges witness finding tree dare hardly steal silly contact teach shop plus
colonel fresh trial invited roll reach dirty choose emergency dropped butt credit obvious locked loving nuts agreed
prue goodbye condition guard fuckin grow cake mood crap crying belong partner trick pressure dressed taste neck
nurse raise lots carry whoever drinking breaking file lock wine spot paying assume asleep turning viki bedroom
shower nikolas camera fill reasons forty bigger nope breath doctors pants freak movies folks cream wild truly desk
convince client threw hurts spending answers shirt chair rough doin sees ought empty wind aware dealing pack tight
hurting guest arrested salem confused surgery expecting deacon unfortunately goddamn bottle
""".split())
